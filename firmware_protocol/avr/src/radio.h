/* What the rest of the firmware asks of a radio. rfm69_iclicker.c implements it for
 * iClicker handsets on an RFM69HW; a TurningPoint receiver (nRF24L01+) is one more file
 * implementing the same calls, chosen in the Makefile. */
#ifndef RADIO_H
#define RADIO_H

#include <stdint.h>

#define RADIO_MAX_PAYLOAD 8

struct radio_packet {
    uint32_t clock_us; /* the receiver's clock when the packet ended */
    int8_t rssi;       /* dBm, -128 unknown */
    uint8_t length;
    uint8_t payload[RADIO_MAX_PAYLOAD];
};

/* Set the radio up and listen on the default channel; 0 when the chip answered. */
uint8_t radio_begin(void);
/* HELLO's radio byte (1 = iClicker 900 MHz, 2 = TurningPoint 2.4 GHz). */
uint8_t radio_kind(void);
/* Listen on a channel named by two letters; 0 if there is no such channel. */
uint8_t radio_set_channel(uint8_t first, uint8_t second);
void radio_channel(uint8_t name[2]);
/* The next packet heard (taken from the chip in its interrupt), 1 if there was one. */
uint8_t radio_take(struct radio_packet *packet);
/* Acknowledge a packet as the vendor's base does (accepted while a poll is open,
 * "poll closed" otherwise); packets that are no answer get nothing. */
void radio_acknowledge(const struct radio_packet *packet, uint8_t poll_open);
/* Finish what the radio does (an acknowledgement on air, back to listening). */
void radio_service(void);
/* 1 while the radio has work that must not wait for a sleep. */
uint8_t radio_busy(void);
/* Packets heard but lost before the host could have them (the ring was full). */
uint32_t radio_dropped(void);
uint32_t radio_heard(void);

#endif

/* The board: an Arduino Nano or Uno (ATmega328P, 16 MHz) wired to an RFM69HW.
 * Pins (Arduino names): D2 = RFM69 DIO0 (INT0), D4 = poll LED, D9 = RFM69 RESET,
 * D10 = RFM69 NSS, D11/D12/D13 = MOSI/MISO/SCK (docs/firmware.md has the table). */
#ifndef BOARD_H
#define BOARD_H

#include <avr/io.h>

#define LED_PORT PORTD
#define LED_DDR DDRD
#define LED_BIT PD4

#define RADIO_NSS_PORT PORTB
#define RADIO_NSS_DDR DDRB
#define RADIO_NSS_BIT PB2
#define RADIO_RESET_PORT PORTB
#define RADIO_RESET_DDR DDRB
#define RADIO_RESET_BIT PB1

#define FIRMWARE_MAJOR 1
#define FIRMWARE_MINOR 0
#define FIRMWARE_PATCH 0

#endif

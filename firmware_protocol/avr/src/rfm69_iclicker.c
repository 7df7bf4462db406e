/* The RFM69HW (Semtech SX1231H) set up for iClicker handsets: settings, channels and the
 * acknowledgement as shared/reference/iclicker.md gives them from the iSkipper sources
 * and the handset's SPI captures. The payload is read in the DIO0 interrupt; the
 * acknowledgement is sent from the main loop, so no interrupt ever waits on the air. */
#include <avr/interrupt.h>
#include <avr/io.h>
#include <util/atomic.h>
#include <util/delay.h>

#include "board.h"
#include "clock.h"
#include "radio.h"
#include "spi.h"

enum {
    REG_FIFO = 0x00,
    REG_OPMODE = 0x01,
    REG_DATAMODUL = 0x02,
    REG_BITRATEMSB = 0x03,
    REG_BITRATELSB = 0x04,
    REG_FDEVMSB = 0x05,
    REG_FDEVLSB = 0x06,
    REG_FRFMSB = 0x07,
    REG_FRFMID = 0x08,
    REG_FRFLSB = 0x09,
    REG_VERSION = 0x10,
    REG_PALEVEL = 0x11,
    REG_PARAMP = 0x12,
    REG_OCP = 0x13,
    REG_RXBW = 0x19,
    REG_AFCBW = 0x1A,
    REG_RSSIVALUE = 0x24,
    REG_DIOMAPPING1 = 0x25,
    REG_IRQFLAGS1 = 0x27,
    REG_IRQFLAGS2 = 0x28,
    REG_RSSITHRESH = 0x29,
    REG_SYNCCONFIG = 0x2E,
    REG_SYNCVALUE1 = 0x2F,
    REG_PACKETCONFIG1 = 0x37,
    REG_PAYLOADLENGTH = 0x38,
    REG_FIFOTHRESH = 0x3C,
    REG_PACKETCONFIG2 = 0x3D,
    REG_TESTLNA = 0x58,
    REG_TESTPA1 = 0x5A,
    REG_TESTPA2 = 0x5C,
    REG_TESTDAGC = 0x6F,
};

#define MODE_STANDBY 0x04
#define MODE_TX 0x0C
#define MODE_RX 0x10
#define IRQ1_MODE_READY 0x80
#define IRQ2_FIFO_OVERRUN 0x10
#define IRQ2_PACKET_SENT 0x08
#define IRQ2_PAYLOAD_READY 0x04
#define RESTART_RX 0x04
#define DIO0_PAYLOAD_READY 0x40
#define DIO0_PACKET_SENT 0x00
#define CHIP_VERSION 0x24
#define PAYLOAD_BYTES 5
#define TX_TIMEOUT_MS 10
#define RING 8 /* packets waiting for the main loop; a power of two */
#define ACKS 4

/* Frf = MHz x 16384, in channel order AA AB AC AD BA ... DD (reference table). */
static const uint8_t LISTEN_FRF[16][3] = {
    {0xE5, 0x40, 0x00}, {0xE4, 0x40, 0x00}, {0xE4, 0x80, 0x00}, {0xE4, 0xC0, 0x00},
    {0xE5, 0x00, 0x00}, {0xE5, 0xC0, 0x00}, {0xE6, 0x00, 0x00}, {0xE6, 0x40, 0x00},
    {0xE6, 0x80, 0x00}, {0xE6, 0xC0, 0x00}, {0xE2, 0xC0, 0x00}, {0xE3, 0x00, 0x00},
    {0xE2, 0x60, 0x00}, {0xE3, 0x40, 0x00}, {0xE3, 0xC0, 0x00}, {0xE3, 0x80, 0x00},
};
static const uint8_t ACK_FRF[16][3] = {
    {0xE1, 0xE0, 0x00}, {0xE2, 0x20, 0x00}, {0xE2, 0x80, 0x00}, {0xE2, 0xE0, 0x00},
    {0xE3, 0x20, 0x00}, {0xE3, 0x80, 0x00}, {0xE3, 0xE0, 0x00}, {0xE4, 0x20, 0x00},
    {0xE4, 0x80, 0x00}, {0xE4, 0xE0, 0x00}, {0xE5, 0x20, 0x00}, {0xE5, 0x80, 0x00},
    {0xE5, 0xC0, 0x00}, {0xE6, 0x20, 0x00}, {0xE6, 0x80, 0x00}, {0xE6, 0xC0, 0x00},
};
static const uint8_t LISTEN_SYNC = 0x85;
static const uint8_t ACK_SYNC = 0x55;

enum { LISTENING, SENDING };

static volatile uint8_t state;
static volatile uint8_t sent;
static uint32_t sending_since;
static uint8_t channel;
static volatile struct radio_packet ring[RING];
static volatile uint8_t ring_head, ring_tail;
static volatile uint32_t heard, dropped;
static uint8_t acks[ACKS][PAYLOAD_BYTES];
static uint8_t ack_head, ack_tail;

/* -- the bus: the interrupt uses it too, so the main loop masks INT0 around it ---- */
static void select_chip(void) {
    RADIO_NSS_PORT &= (uint8_t)~_BV(RADIO_NSS_BIT);
}

static void release_chip(void) {
    RADIO_NSS_PORT |= _BV(RADIO_NSS_BIT);
}

static uint8_t read_register(uint8_t address) {
    select_chip();
    spi_transfer(address & 0x7F);
    uint8_t value = spi_transfer(0);
    release_chip();
    return value;
}

static void write_register(uint8_t address, uint8_t value) {
    select_chip();
    spi_transfer(address | 0x80);
    spi_transfer(value);
    release_chip();
}

static void write_frf(const uint8_t frf[3]) {
    write_register(REG_FRFMSB, frf[0]);
    write_register(REG_FRFMID, frf[1]);
    write_register(REG_FRFLSB, frf[2]); /* the chip applies Frf when its LSB is written */
}

static void write_sync(uint8_t value) {
    for (uint8_t i = 0; i < 3; i++) {
        write_register((uint8_t)(REG_SYNCVALUE1 + i), value);
    }
}

static void set_mode(uint8_t mode) {
    write_register(REG_OPMODE, mode);
    for (uint16_t tries = 0; tries < 1000; tries++) { /* bounded: a dead chip never hangs us */
        if (read_register(REG_IRQFLAGS1) & IRQ1_MODE_READY) {
            break;
        }
    }
}

static void mask_radio_interrupt(void) {
    EIMSK &= (uint8_t)~_BV(INT0);
}

static void unmask_radio_interrupt(void) {
    EIMSK |= _BV(INT0);
}

/* Move a received payload from the chip into the ring; INT0 is masked or we are in it. */
static void take_payload(void) {
    uint8_t payload[PAYLOAD_BYTES];
    int8_t rssi = (int8_t)-(int16_t)(read_register(REG_RSSIVALUE) / 2);
    select_chip();
    spi_transfer(REG_FIFO);
    for (uint8_t i = 0; i < PAYLOAD_BYTES; i++) {
        payload[i] = spi_transfer(0);
    }
    release_chip();
    write_register(REG_PACKETCONFIG2, RESTART_RX); /* auto restart is off: listen again */
    heard++;
    uint8_t next = (uint8_t)((ring_head + 1) & (RING - 1));
    if (next == ring_tail) {
        dropped++;
        return;
    }
    volatile struct radio_packet *packet = &ring[ring_head];
    packet->clock_us = clock_micros();
    packet->rssi = rssi;
    packet->length = PAYLOAD_BYTES;
    for (uint8_t i = 0; i < PAYLOAD_BYTES; i++) {
        packet->payload[i] = payload[i];
    }
    ring_head = next;
}

/* A payload that arrived while the main loop held the bus is taken before the radio
 * changes mode: its interrupt is still pending, and the FIFO is about to be reused. */
static void take_pending_payload(void) {
    if (state == LISTENING && (read_register(REG_IRQFLAGS2) & IRQ2_PAYLOAD_READY)) {
        take_payload();
        EIFR = _BV(INTF0);
    }
}

ISR(INT0_vect) {
    uint8_t flags = read_register(REG_IRQFLAGS2);
    if (state == SENDING) {
        if (flags & IRQ2_PACKET_SENT) {
            sent = 1;
        }
    } else if (flags & IRQ2_PAYLOAD_READY) {
        take_payload();
    }
}

/* -- listening --------------------------------------------------------------------- */
static void listen(void) {
    take_pending_payload();
    set_mode(MODE_STANDBY);
    write_frf(LISTEN_FRF[channel]);
    write_sync(LISTEN_SYNC);
    write_register(REG_TESTPA1, 0x55); /* high-power PA settings off while receiving */
    write_register(REG_TESTPA2, 0x70);
    write_register(REG_DIOMAPPING1, DIO0_PAYLOAD_READY);
    write_register(REG_IRQFLAGS2, IRQ2_FIFO_OVERRUN); /* empties the FIFO */
    state = LISTENING;
    set_mode(MODE_RX);
}

uint8_t radio_begin(void) {
    RADIO_NSS_DDR |= _BV(RADIO_NSS_BIT);
    release_chip();
    RADIO_RESET_DDR |= _BV(RADIO_RESET_BIT);
    RADIO_RESET_PORT |= _BV(RADIO_RESET_BIT); /* a reset pulse, then 5 ms (datasheet) */
    _delay_us(100);
    RADIO_RESET_PORT &= (uint8_t)~_BV(RADIO_RESET_BIT);
    _delay_ms(5);
    if (read_register(REG_VERSION) != CHIP_VERSION) {
        return 1;
    }
    static const uint8_t SETTINGS[][2] = {
        {REG_OPMODE, MODE_STANDBY},
        {REG_DATAMODUL, 0x00},     /* packet mode, FSK, no shaping */
        {REG_BITRATEMSB, 0x00},    /* 152,381 bit/s */
        {REG_BITRATELSB, 0xD2},
        {REG_FDEVMSB, 0x0E},       /* 222,961 Hz */
        {REG_FDEVLSB, 0x45},
        {REG_RXBW, 0x40},          /* 500 kHz */
        {REG_AFCBW, 0x40},
        {REG_RSSITHRESH, 220},     /* -110 dBm */
        {REG_SYNCCONFIG, 0x90},    /* sync on, 3 bytes, no errors */
        {REG_PACKETCONFIG1, 0x00}, /* fixed length, no CRC, no whitening, no filter */
        {REG_PAYLOADLENGTH, PAYLOAD_BYTES},
        {REG_FIFOTHRESH, 0x04},    /* TX starts above 4 bytes: every ACK is padded to 5 */
        {REG_PACKETCONFIG2, 0x00}, /* auto RX restart off */
        {REG_TESTLNA, 0x2D},
        {REG_TESTDAGC, 0x30},
        {REG_PARAMP, 0x0F},
        {REG_PALEVEL, 0x7F},       /* RFM69HW: PA1 and PA2, full power */
        {REG_OCP, 0x0F},           /* over-current protection off for the high-power PA */
    };
    for (uint8_t i = 0; i < sizeof SETTINGS / sizeof SETTINGS[0]; i++) {
        write_register(SETTINGS[i][0], SETTINGS[i][1]);
    }
    listen();
    EICRA = _BV(ISC01) | _BV(ISC00); /* DIO0 rising edge */
    EIFR = _BV(INTF0);
    unmask_radio_interrupt();
    return 0;
}

uint8_t radio_kind(void) {
    return 1;
}

uint8_t radio_set_channel(uint8_t first, uint8_t second) {
    if (first < 'A' || first > 'D' || second < 'A' || second > 'D') {
        return 0;
    }
    channel = (uint8_t)((first - 'A') * 4 + (second - 'A'));
    mask_radio_interrupt();
    if (state == LISTENING) {
        listen();
    } /* else: the acknowledgement on air returns to the new channel */
    unmask_radio_interrupt();
    return 1;
}

void radio_channel(uint8_t name[2]) {
    name[0] = (uint8_t)('A' + channel / 4);
    name[1] = (uint8_t)('A' + channel % 4);
}

uint8_t radio_take(struct radio_packet *packet) {
    if (ring_tail == ring_head) {
        return 0;
    }
    volatile struct radio_packet *slot = &ring[ring_tail];
    packet->clock_us = slot->clock_us;
    packet->rssi = slot->rssi;
    packet->length = slot->length;
    for (uint8_t i = 0; i < slot->length; i++) {
        packet->payload[i] = slot->payload[i];
    }
    ring_tail = (uint8_t)((ring_tail + 1) & (RING - 1));
    return 1;
}

static uint8_t answer_nibble(uint8_t nibble) {
    /* A B C D E, and 0x2 a ping: anything else is no answer and gets no reply */
    return nibble == 0x1 || nibble == 0x5 || nibble == 0xD || nibble == 0xE ||
           nibble == 0xA || nibble == 0x2;
}

void radio_acknowledge(const struct radio_packet *packet, uint8_t poll_open) {
    const uint8_t *p = packet->payload;
    if (packet->length != PAYLOAD_BYTES || (uint8_t)(p[0] + p[1] + p[2] + p[3]) != p[4] ||
        !answer_nibble(p[3] & 0x0F)) {
        return;
    }
    uint8_t next = (uint8_t)((ack_head + 1) & (ACKS - 1));
    if (next == ack_tail) {
        return; /* the handset sends again and is answered then */
    }
    uint8_t *ack = acks[ack_head];
    ack[0] = p[0];
    ack[1] = p[1];
    if (poll_open || (p[3] & 0x0F) == 0x2) { /* accepted: its first 4 bytes, then a pad */
        ack[2] = p[2];
        ack[3] = p[3];
        ack[4] = 0x00;
    } else { /* poll closed */
        ack[2] = (uint8_t)~p[2];
        ack[3] = (uint8_t)((p[3] & 0xF0) | 0x6);
        ack[4] = 0x66;
    }
    ack_head = next;
}

static void send_acknowledgement(void) {
    const uint8_t *ack = acks[ack_tail];
    mask_radio_interrupt();
    take_pending_payload();
    state = SENDING;
    sent = 0;
    set_mode(MODE_STANDBY);
    write_register(REG_IRQFLAGS2, IRQ2_FIFO_OVERRUN); /* an empty FIFO for the reply */
    write_frf(ACK_FRF[channel]);
    write_sync(ACK_SYNC);
    write_register(REG_DIOMAPPING1, DIO0_PACKET_SENT);
    write_register(REG_TESTPA1, 0x5D); /* the RFM69HW sends only with these set */
    write_register(REG_TESTPA2, 0x7C);
    select_chip();
    spi_transfer(REG_FIFO | 0x80);
    for (uint8_t i = 0; i < PAYLOAD_BYTES; i++) {
        spi_transfer(ack[i]);
    }
    release_chip();
    set_mode(MODE_TX);
    sending_since = clock_millis();
    ack_tail = (uint8_t)((ack_tail + 1) & (ACKS - 1));
    unmask_radio_interrupt();
}

void radio_service(void) {
    if (state == SENDING) {
        if (!sent && clock_millis() - sending_since < TX_TIMEOUT_MS) {
            return;
        }
        mask_radio_interrupt();
        listen();
        unmask_radio_interrupt();
    }
    if (ack_tail != ack_head) {
        send_acknowledgement();
    }
}

uint8_t radio_busy(void) {
    return state == SENDING || ack_tail != ack_head || ring_tail != ring_head;
}

uint32_t radio_dropped(void) {
    uint32_t value;
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
        value = dropped;
    }
    return value;
}

uint32_t radio_heard(void) {
    uint32_t value;
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
        value = heard;
    }
    return value;
}

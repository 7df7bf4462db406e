/* Receiver link v1 on an ATmega328P with a radio: HELLO at start and on request, a
 * RADIO_PACKET for every payload heard, the host's commands answered with a REPLY, a
 * STATUS every second. No dynamic allocation; a watchdog; the main loop sleeps until
 * an interrupt has work for it. */
#include <avr/eeprom.h>
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <avr/wdt.h>

#include "board.h"
#include "clock.h"
#include "link.h"
#include "radio.h"
#include "spi.h"
#include "uart.h"

#define PROTOCOL_VERSION 1
#define STATUS_EVERY_MS 1000
#define RESULT_OK 0
#define RESULT_BAD_COMMAND 1
#define RESULT_NO_RADIO 3
#define DEFAULT_RECEIVER_ID 0x0000A1D0UL

static uint8_t poll_open;
static uint8_t radio_missing;
static uint32_t receiver_id;
static uint32_t next_status_ms;
static struct link_frame command;

/* The watchdog is left on after its reset: turn it off before anything else. */
uint8_t reset_cause __attribute__((section(".noinit")));
void early_watchdog_off(void) __attribute__((naked, used, section(".init3")));
void early_watchdog_off(void) {
    reset_cause = MCUSR;
    MCUSR = 0;
    wdt_disable();
}

static void put_u32(uint8_t *out, uint32_t value) {
    out[0] = (uint8_t)(value >> 24);
    out[1] = (uint8_t)(value >> 16);
    out[2] = (uint8_t)(value >> 8);
    out[3] = (uint8_t)value;
}

static void send_hello(void) {
    uint8_t body[11] = {PROTOCOL_VERSION, FIRMWARE_MAJOR, FIRMWARE_MINOR, FIRMWARE_PATCH};
    put_u32(&body[4], receiver_id);
    body[8] = radio_kind();
    radio_channel(&body[9]);
    link_send(LINK_HELLO, body, sizeof body);
}

static void send_text(uint8_t type, const uint8_t *head, uint8_t head_length,
                      const char *text) {
    uint8_t body[64];
    uint8_t n = 0;
    while (n < head_length) {
        body[n] = head[n];
        n++;
    }
    while (text != 0 && *text && n < sizeof body) {
        body[n++] = (uint8_t)*text++;
    }
    link_send(type, body, n);
}

static void reply(uint8_t seq, uint8_t result, const char *text) {
    uint8_t head[2] = {seq, result};
    send_text(LINK_REPLY, head, 2, text);
}

static void send_status(uint32_t now_ms) {
    uint8_t body[12];
    put_u32(&body[0], now_ms);
    put_u32(&body[4], radio_heard());
    put_u32(&body[8], radio_dropped() + link_frames_dropped + uart_rx_dropped);
    link_send(LINK_STATUS, body, sizeof body);
}

static void set_poll(uint8_t open) {
    poll_open = open;
    if (open) {
        LED_PORT |= _BV(LED_BIT);
    } else {
        LED_PORT &= (uint8_t)~_BV(LED_BIT);
    }
}

static void handle(const struct link_frame *frame) {
    switch (frame->type) {
    case LINK_SET_CHANNEL:
        if (frame->length == 2 && radio_set_channel(frame->body[0], frame->body[1])) {
            reply(frame->seq, RESULT_OK, 0);
        } else {
            reply(frame->seq, RESULT_BAD_COMMAND, "bad channel");
        }
        break;
    case LINK_OPEN_POLL:
        set_poll(1);
        reply(frame->seq, radio_missing ? RESULT_NO_RADIO : RESULT_OK,
              radio_missing ? "no radio answers" : 0);
        break;
    case LINK_CLOSE_POLL:
        set_poll(0);
        reply(frame->seq, RESULT_OK, 0);
        break;
    case LINK_PING:
        reply(frame->seq, RESULT_OK, 0);
        break;
    case LINK_GET_INFO:
        reply(frame->seq, RESULT_OK, 0);
        send_hello();
        break;
    default:
        reply(frame->seq, RESULT_BAD_COMMAND, "unknown command");
        break;
    }
}

static void forward(const struct radio_packet *packet) {
    uint8_t body[5 + RADIO_MAX_PAYLOAD];
    put_u32(body, packet->clock_us);
    body[4] = (uint8_t)packet->rssi;
    for (uint8_t i = 0; i < packet->length; i++) {
        body[5 + i] = packet->payload[i];
    }
    link_send(LINK_RADIO_PACKET, body, (uint8_t)(5 + packet->length));
}

static void sleep_until_an_interrupt(void) {
    set_sleep_mode(SLEEP_MODE_IDLE);
    cli();
    if (uart_idle() && !radio_busy()) {
        sleep_enable();
        sei();
        sleep_cpu();
        sleep_disable();
    }
    sei();
}

int main(void) {
    LED_DDR |= _BV(LED_BIT);
    set_poll(0);
    wdt_enable(WDTO_500MS);
    clock_init();
    uart_init();
    spi_init();
    receiver_id = eeprom_read_dword((const uint32_t *)0);
    if (receiver_id == 0xFFFFFFFFUL) { /* never programmed */
        receiver_id = DEFAULT_RECEIVER_ID;
    }
    sei();
    radio_missing = radio_begin();
    uart_write(0x00); /* ends whatever a reset cut short on the line: the host drops it */
    send_hello();
    if (radio_missing) {
        send_text(LINK_LOG, 0, 0, "radio not found: check the RFM69 wiring");
    } else if (reset_cause & _BV(WDRF)) {
        send_text(LINK_LOG, 0, 0, "restarted by the watchdog");
    }
    next_status_ms = clock_millis() + STATUS_EVERY_MS;
    for (;;) {
        wdt_reset();
        int16_t byte;
        while ((byte = uart_read()) >= 0) {
            if (link_feed((uint8_t)byte, &command)) {
                handle(&command);
            }
        }
        struct radio_packet packet;
        while (radio_take(&packet)) {
            radio_acknowledge(&packet, poll_open); /* first: the handset listens ~9 ms */
            radio_service();
            forward(&packet);
        }
        radio_service();
        uint32_t now = clock_millis();
        if ((int32_t)(now - next_status_ms) >= 0) {
            next_status_ms += STATUS_EVERY_MS;
            send_status(now);
        }
        sleep_until_an_interrupt();
    }
}

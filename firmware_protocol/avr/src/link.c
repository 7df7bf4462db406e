#include "link.h"

#include "uart.h"

#define MAX_FRAME (LINK_MAX_BODY + 4)
#define MAX_ENCODED (MAX_FRAME + 2)

uint16_t link_frames_dropped;
uint16_t link_bad_frames;

static uint8_t seq_out;
static uint8_t in_buffer[MAX_ENCODED];
static uint16_t in_length;
static uint8_t in_overflow;

static uint16_t crc16_ccitt_false(const uint8_t *data, uint16_t length) {
    uint16_t crc = 0xFFFF;
    while (length--) {
        crc ^= (uint16_t)(*data++) << 8;
        for (uint8_t bit = 0; bit < 8; bit++) {
            crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
        }
    }
    return crc;
}

uint8_t link_send(uint8_t type, const uint8_t *body, uint8_t length) {
    uint8_t raw[MAX_FRAME];
    uint16_t n = 0;
    if (length > LINK_MAX_BODY) {
        length = LINK_MAX_BODY;
    }
    raw[n++] = type;
    raw[n++] = seq_out;
    for (uint8_t i = 0; i < length; i++) {
        raw[n++] = body[i];
    }
    uint16_t crc = crc16_ccitt_false(raw, n);
    raw[n++] = (uint8_t)(crc >> 8);
    raw[n++] = (uint8_t)crc;
    if (uart_room() < n + n / 254 + 2) {
        link_frames_dropped++;
        return 0;
    }
    seq_out++;
    /* COBS: each block is a code byte (distance to the next zero) and its data */
    uint16_t start = 0;
    while (start <= n) {
        uint16_t end = start;
        while (end < n && raw[end] != 0 && end - start < 254) {
            end++;
        }
        uart_write((uint8_t)(end - start + 1));
        for (uint16_t i = start; i < end; i++) {
            uart_write(raw[i]);
        }
        if (end - start == 254 && end < n) {
            start = end; /* a full block: no zero was replaced */
        } else {
            start = end + 1;
        }
    }
    uart_write(0x00);
    return 1;
}

static uint8_t decode(struct link_frame *frame) {
    uint8_t raw[MAX_FRAME];
    uint16_t n = 0;
    uint16_t i = 0;
    while (i < in_length) {
        uint8_t code = in_buffer[i++];
        if (code == 0 || i + code - 1 > in_length) {
            return 0;
        }
        for (uint8_t k = 1; k < code; k++) {
            if (n >= MAX_FRAME) {
                return 0;
            }
            raw[n++] = in_buffer[i++];
        }
        if (code < 0xFF && i < in_length) {
            if (n >= MAX_FRAME) {
                return 0;
            }
            raw[n++] = 0;
        }
    }
    if (n < 4) {
        return 0;
    }
    uint16_t crc = crc16_ccitt_false(raw, (uint16_t)(n - 2));
    if (raw[n - 2] != (uint8_t)(crc >> 8) || raw[n - 1] != (uint8_t)crc) {
        return 0;
    }
    frame->type = raw[0];
    frame->seq = raw[1];
    frame->length = (uint8_t)(n - 4);
    for (uint8_t k = 0; k < frame->length; k++) {
        frame->body[k] = raw[2 + k];
    }
    return 1;
}

uint8_t link_feed(uint8_t byte, struct link_frame *frame) {
    if (byte != 0) {
        if (in_length < MAX_ENCODED) {
            in_buffer[in_length++] = byte;
        } else {
            in_overflow = 1;
        }
        return 0;
    }
    uint8_t ok = 0;
    if (in_length > 0) {
        ok = !in_overflow && decode(frame);
        if (!ok) {
            link_bad_frames++;
        }
    }
    in_length = 0;
    in_overflow = 0;
    return ok;
}

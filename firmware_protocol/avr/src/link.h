/* Receiver link v1 (docs/receiver-link-v1.md): COBS frames, CRC-16/CCITT-FALSE,
 * a 0x00 after each frame. Outgoing frames go whole into the UART ring or not at all
 * (counted); incoming bytes are gathered until a 0x00, then checked. */
#ifndef LINK_H
#define LINK_H

#include <stdint.h>

enum {
    LINK_HELLO = 0x01,
    LINK_RADIO_PACKET = 0x02,
    LINK_STATUS = 0x03,
    LINK_REPLY = 0x04,
    LINK_LOG = 0x05,
    LINK_SET_CHANNEL = 0x81,
    LINK_OPEN_POLL = 0x82,
    LINK_CLOSE_POLL = 0x83,
    LINK_PING = 0x84,
    LINK_GET_INFO = 0x85,
};

/* The protocol allows 255-byte frames; this receiver's frames (and the host's
 * commands) are far shorter, so it keeps 64-byte bodies: a longer command is a bad frame. */
#define LINK_MAX_BODY 64

struct link_frame {
    uint8_t type;
    uint8_t seq;
    uint8_t length;
    uint8_t body[LINK_MAX_BODY];
};

/* Queue one frame; 0 if the UART ring had no room (the frame is dropped, counted). */
uint8_t link_send(uint8_t type, const uint8_t *body, uint8_t length);
/* Feed one received byte; 1 when it completes a valid frame, now in *frame. */
uint8_t link_feed(uint8_t byte, struct link_frame *frame);

extern uint16_t link_frames_dropped; /* outgoing frames with no room */
extern uint16_t link_bad_frames;     /* incoming frames that failed COBS, CRC or length */

#endif

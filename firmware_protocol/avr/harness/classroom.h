/* The simulated class on the board's radio: the handsets' transmissions of each round
 * (written by the project's classroom simulator), played when the poll LED comes on,
 * in simulated time. A handset stops sending a press once acknowledged in the vendor's
 * form, as a real one does; a copy sent while the receiver cannot hear (sending an
 * acknowledgement, or not listening on the class's channel) is sent again 10 ms later,
 * as the handset's own retry does. Every acknowledgement is checked and reported. */
#ifndef CLASSROOM_H
#define CLASSROOM_H

#include <stddef.h>
#include <stdint.h>

#include "rfm69_model.h"

#define PAYLOAD_BYTES 5

struct transmission {
    double t; /* seconds after the poll opened */
    uint32_t handset;
    char answer;
    uint8_t payload[PAYLOAD_BYTES];
};

struct round_plan {
    size_t count;
    struct transmission *items;
};

enum classroom_event { SEND = 1, RETRY = 2 };

struct classroom_world {
    void *context;
    uint64_t (*now)(void *context); /* cycles */
    double cycles_per_second;
    void (*at)(void *context, uint64_t cycle, int kind, int argument, int tag);
    int (*deliver)(void *context, const struct rfm69_packet_on_air *packet);
    void (*report)(void *context, const char *json);
    double (*wall)(void *context); /* seconds on the machine's clock, for speed figures */
};

struct handset_state;
struct retry;
struct heard;

struct classroom {
    struct classroom_world world;
    struct round_plan *rounds;
    size_t round_count;
    size_t next_round;
    int playing;  /* the round on air, -1 none */
    int tag;      /* changes whenever a round starts or stops: older events are void */
    size_t next;  /* the next transmission of the round */
    uint64_t origin;
    int in_reset;
    int resume_after_reset;
    uint8_t channel;
    struct handset_state *handsets;
    size_t handset_slots;
    struct retry *retries;
    int retries_pending;
    struct heard *heard;
    unsigned heard_next;
    unsigned long delivered, deaf, acks_accept, acks_closed, acks_invalid, acks_again;
};

int classroom_load(struct classroom *room, const char *path, char *error, size_t error_size);
void classroom_start(struct classroom *room, struct classroom_world world);
void classroom_led(struct classroom *room, int level);
void classroom_board_reset(struct classroom *room, int resetting);
void classroom_event(struct classroom *room, int kind, int argument, int tag);
/* The receiver transmitted: is it an acknowledgement a handset takes? */
void classroom_on_air(struct classroom *room, const struct rfm69_packet_on_air *packet);
uint32_t classroom_listen_frf(const struct classroom *room);
void classroom_free(struct classroom *room);

#endif

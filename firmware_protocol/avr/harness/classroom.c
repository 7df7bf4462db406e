#include "classroom.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HANDSET_BITRATE 152381 /* 32 MHz / 0xD2 */
#define RETRY_S 0.010          /* the handset listens ~9 ms, then sends again */
#define MAX_RETRIES 50
#define RETRY_SLOTS 4096
#define HEARD_SLOTS 64
#define ACK_WINDOW_S 0.008 /* the acknowledgement must start within this of the packet's end */
#define RSSI_DBM -55

/* Frf (MHz x 16384) of each channel, AA AB ... DD: where handsets send, where they
 * listen for the acknowledgement (shared/reference/iclicker.md). */
static const uint32_t SEND_FRF[16] = {
    0xE54000, 0xE44000, 0xE48000, 0xE4C000, 0xE50000, 0xE5C000, 0xE60000, 0xE64000,
    0xE68000, 0xE6C000, 0xE2C000, 0xE30000, 0xE26000, 0xE34000, 0xE3C000, 0xE38000,
};
static const uint32_t ACK_FRF[16] = {
    0xE1E000, 0xE22000, 0xE28000, 0xE2E000, 0xE32000, 0xE38000, 0xE3E000, 0xE42000,
    0xE48000, 0xE4E000, 0xE52000, 0xE58000, 0xE5C000, 0xE62000, 0xE68000, 0xE6C000,
};

struct handset_state {
    uint32_t id;
    int used;
    char answer;     /* of the press being sent */
    unsigned press;  /* counts presses */
    int acknowledged;
};

struct retry {
    int used;
    struct handset_state *handset;
    unsigned press;
    int attempts;
    uint8_t payload[PAYLOAD_BYTES];
};

struct heard {
    uint64_t end;
    struct handset_state *handset;
    unsigned press;
    uint8_t payload[PAYLOAD_BYTES];
};

static void report(struct classroom *room, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void report(struct classroom *room, const char *format, ...) {
    char line[512];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    room->world.report(room->world.context, line);
}

static double seconds(const struct classroom *room) {
    return room->world.now(room->world.context) / room->world.cycles_per_second;
}

static struct handset_state *handset(struct classroom *room, uint32_t id) {
    size_t slot = (id * 2654435761u) % room->handset_slots;
    while (room->handsets[slot].used && room->handsets[slot].id != id) {
        slot = (slot + 1) % room->handset_slots;
    }
    struct handset_state *state = &room->handsets[slot];
    if (!state->used) {
        state->used = 1;
        state->id = id;
    }
    return state;
}

static int hex_byte(const char *text, uint8_t *out) {
    if (!isxdigit((unsigned char)text[0]) || !isxdigit((unsigned char)text[1])) {
        return 0;
    }
    char pair[3] = {text[0], text[1], 0};
    *out = (uint8_t)strtoul(pair, NULL, 16);
    return 1;
}

int classroom_load(struct classroom *room, const char *path, char *error, size_t error_size) {
    memset(room, 0, sizeof *room);
    room->playing = -1;
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        snprintf(error, error_size, "cannot open the class schedule %s", path);
        return 0;
    }
    char line[256];
    unsigned number = 0;
    size_t total = 0;
    struct round_plan *round = NULL;
    while (fgets(line, sizeof line, file) != NULL) {
        number++;
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        char first[8];
        unsigned long count;
        if (sscanf(line, "channel %2s", first) == 1) {
            if (strlen(first) != 2 || first[0] < 'A' || first[0] > 'D' || first[1] < 'A' ||
                first[1] > 'D') {
                snprintf(error, error_size, "%s:%u: no channel %s", path, number, first);
                fclose(file);
                return 0;
            }
            room->channel = (uint8_t)((first[0] - 'A') * 4 + (first[1] - 'A'));
            continue;
        }
        if (sscanf(line, "round %lu", &count) == 1) {
            room->rounds = realloc(room->rounds, (room->round_count + 1) * sizeof *room->rounds);
            round = &room->rounds[room->round_count++];
            round->count = 0;
            round->items = calloc(count ? count : 1, sizeof *round->items);
            total += count;
            continue;
        }
        struct transmission item;
        char payload[16], answer[4];
        unsigned long id;
        if (round == NULL || sscanf(line, "%lf %lx %3s %15s", &item.t, &id, answer, payload) != 4 ||
            strlen(payload) != 2 * PAYLOAD_BYTES) {
            snprintf(error, error_size, "%s:%u: not a transmission", path, number);
            fclose(file);
            return 0;
        }
        item.handset = (uint32_t)id;
        item.answer = answer[0];
        for (int i = 0; i < PAYLOAD_BYTES; i++) {
            if (!hex_byte(payload + 2 * i, &item.payload[i])) {
                snprintf(error, error_size, "%s:%u: payload is not hex", path, number);
                fclose(file);
                return 0;
            }
        }
        round->items[round->count++] = item;
    }
    fclose(file);
    room->handset_slots = 2 * total + 64;
    room->handsets = calloc(room->handset_slots, sizeof *room->handsets);
    room->retries = calloc(RETRY_SLOTS, sizeof *room->retries);
    room->heard = calloc(HEARD_SLOTS, sizeof *room->heard);
    return 1;
}

void classroom_start(struct classroom *room, struct classroom_world world) {
    room->world = world;
}

uint32_t classroom_listen_frf(const struct classroom *room) {
    return SEND_FRF[room->channel];
}

static uint64_t cycle_of(const struct classroom *room, double t) {
    return room->origin + (uint64_t)(t * room->world.cycles_per_second);
}

static void schedule_next(struct classroom *room) {
    struct round_plan *round = &room->rounds[room->playing];
    if (room->next < round->count) {
        uint64_t at = cycle_of(room, round->items[room->next].t);
        room->world.at(room->world.context, at, SEND, (int)room->next, room->tag);
    } else if (room->retries_pending == 0) {
        report(room, "{\"event\": \"round-end\", \"round\": %d, \"t\": %.6f, \"wall\": %.6f}",
               room->playing + 1, seconds(room), room->world.wall(room->world.context));
    }
}

void classroom_led(struct classroom *room, int level) {
    if (level) {
        if (room->resume_after_reset) {
            room->resume_after_reset = 0; /* the host opened the same poll again */
            return;
        }
        int finished = room->playing >= 0 && room->next >= room->rounds[room->playing].count &&
                       room->retries_pending == 0;
        if ((room->playing < 0 || finished) && room->next_round < room->round_count) {
            room->playing = (int)room->next_round++;
            room->tag++;
            /* a new poll: every handset's next press is new, whatever it was before */
            memset(room->handsets, 0, room->handset_slots * sizeof *room->handsets);
            room->next = 0;
            room->origin = room->world.now(room->world.context);
            report(room, "{\"event\": \"round-start\", \"round\": %d, \"t\": %.6f, \"wall\": %.6f}",
                   room->playing + 1, seconds(room), room->world.wall(room->world.context));
            schedule_next(room);
        }
    } else if (!room->in_reset && room->playing >= 0) {
        room->tag++; /* the poll closed: the class stops */
        room->playing = -1;
        room->retries_pending = 0;
        for (int i = 0; i < RETRY_SLOTS; i++) {
            room->retries[i].used = 0;
        }
    }
}

void classroom_board_reset(struct classroom *room, int resetting) {
    room->in_reset = resetting;
    if (resetting) {
        room->resume_after_reset = room->playing >= 0;
    }
}

static void remember_heard(struct classroom *room, struct handset_state *state,
                           const uint8_t *payload) {
    struct heard *entry = &room->heard[room->heard_next++ % HEARD_SLOTS];
    entry->end = room->world.now(room->world.context);
    entry->handset = state;
    entry->press = state->press;
    memcpy(entry->payload, payload, PAYLOAD_BYTES);
}

static void send(struct classroom *room, struct handset_state *state, const uint8_t *payload,
                 int attempts) {
    struct rfm69_packet_on_air packet;
    memset(&packet, 0, sizeof packet);
    packet.frf = SEND_FRF[room->channel];
    packet.bitrate = HANDSET_BITRATE;
    packet.sync_size = 3;
    memset(packet.sync, 0x85, 3);
    packet.length = PAYLOAD_BYTES;
    memcpy(packet.bytes, payload, PAYLOAD_BYTES);
    if (room->world.deliver(room->world.context, &packet)) {
        room->delivered++;
        remember_heard(room, state, payload);
        return;
    }
    room->deaf++;
    if (attempts >= MAX_RETRIES) {
        return;
    }
    for (int i = 0; i < RETRY_SLOTS; i++) {
        struct retry *retry = &room->retries[i];
        if (!retry->used) {
            retry->used = 1;
            retry->handset = state;
            retry->press = state->press;
            retry->attempts = attempts + 1;
            memcpy(retry->payload, payload, PAYLOAD_BYTES);
            room->retries_pending++;
            uint64_t at = room->world.now(room->world.context) +
                          (uint64_t)(RETRY_S * room->world.cycles_per_second);
            room->world.at(room->world.context, at, RETRY, i, room->tag);
            return;
        }
    }
}

void classroom_event(struct classroom *room, int kind, int argument, int tag) {
    if (tag != room->tag || room->playing < 0) {
        return; /* of a round that has stopped */
    }
    if (kind == RETRY) {
        struct retry *retry = &room->retries[argument];
        retry->used = 0;
        room->retries_pending--;
        if (retry->press == retry->handset->press && !retry->handset->acknowledged) {
            send(room, retry->handset, retry->payload, retry->attempts);
        }
        if (room->next >= room->rounds[room->playing].count) {
            schedule_next(room); /* tells the end once the last retry is done */
        }
        return;
    }
    struct transmission *item = &room->rounds[room->playing].items[argument];
    room->next = (size_t)argument + 1;
    struct handset_state *state = handset(room, item->handset);
    if (state->press == 0 || item->answer != state->answer) {
        state->press++; /* a new press: sent until acknowledged */
        state->answer = item->answer;
        state->acknowledged = 0;
    }
    if (!state->acknowledged) {
        send(room, state, item->payload, 0);
    }
    schedule_next(room);
}

static const char *form_of(const uint8_t *sent, const uint8_t *heard) {
    if (sent[2] == heard[2] && sent[3] == heard[3] && sent[4] == 0x00) {
        return "accept";
    }
    if ((uint8_t)(sent[2] ^ heard[2]) == 0xFF && sent[3] == ((heard[3] & 0xF0) | 0x6) &&
        sent[4] == 0x66) {
        return "closed";
    }
    return NULL;
}

void classroom_on_air(struct classroom *room, const struct rfm69_packet_on_air *packet) {
    double now = seconds(room);
    const char *problem = NULL;
    if (packet->frf != ACK_FRF[room->channel]) {
        problem = "not on the channel's acknowledgement frequency";
    } else if (packet->sync_size != 3 || packet->sync[0] != 0x55 || packet->sync[1] != 0x55 ||
               packet->sync[2] != 0x55) {
        problem = "sync word is not 55 55 55";
    } else if (packet->length < PAYLOAD_BYTES) {
        problem = "shorter than 5 bytes";
    } else if (packet->bitrate < HANDSET_BITRATE * 0.98 || packet->bitrate > HANDSET_BITRATE * 1.02) {
        problem = "wrong bit rate";
    }
    struct heard *match = NULL;
    for (unsigned back = 1; back <= HEARD_SLOTS && problem == NULL; back++) {
        struct heard *entry = &room->heard[(room->heard_next - back) % HEARD_SLOTS];
        if (entry->handset != NULL && entry->payload[0] == packet->bytes[0] &&
            entry->payload[1] == packet->bytes[1]) { /* the handset's sync: e0 e1 */
            match = entry;
            break;
        }
    }
    if (problem == NULL && match == NULL) {
        problem = "no handset is waiting for it";
    }
    double delay = match ? now - match->end / room->world.cycles_per_second : 0;
    if (problem == NULL && delay > ACK_WINDOW_S) {
        problem = "too late: the handset stopped listening";
    }
    const char *form = problem == NULL ? form_of(packet->bytes, match->payload) : NULL;
    if (problem == NULL && form == NULL) {
        problem = "neither the accept nor the poll-closed form";
    }
    if (problem != NULL) {
        room->acks_invalid++;
        report(room, "{\"event\": \"ack\", \"form\": \"invalid\", \"reason\": \"%s\", \"t\": %.6f}",
               problem, now);
        return;
    }
    struct handset_state *state = match->handset;
    int again = state->acknowledged && match->press == state->press;
    if (match->press == state->press) {
        state->acknowledged = 1;
    }
    if (again) {
        room->acks_again++;
    } else if (form[0] == 'a') {
        room->acks_accept++;
    } else {
        room->acks_closed++;
    }
    report(room,
           "{\"event\": \"ack\", \"form\": \"%s\", \"handset\": \"%08X\", \"answer\": \"%c\", "
           "\"press\": %u, \"again\": %s, \"delay_ms\": %.3f, \"t\": %.6f}",
           form, state->id, state->answer, match->press, again ? "true" : "false", delay * 1e3, now);
}

void classroom_free(struct classroom *room) {
    for (size_t i = 0; i < room->round_count; i++) {
        free(room->rounds[i].items);
    }
    free(room->rounds);
    free(room->handsets);
    free(room->retries);
    free(room->heard);
}

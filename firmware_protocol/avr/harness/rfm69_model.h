/* An RFM69 (Semtech SX1231H) as its SPI registers and packet engine behave, for the
 * emulated board: a register file, the 66-byte FIFO, the operating modes, DIO0 as
 * RegDioMapping1 maps it, fixed-length packets in and out. What it needs of the world
 * (the DIO0 line, a timer for the time on air, the transmitted packet) comes in as
 * callbacks, so the model knows nothing of simavr. */
#ifndef RFM69_MODEL_H
#define RFM69_MODEL_H

#include <stdint.h>

#define RFM69_FIFO_BYTES 66

enum rfm69_mode { RFM69_SLEEP = 0, RFM69_STANDBY = 1, RFM69_FS = 2, RFM69_TX = 3, RFM69_RX = 4 };

struct rfm69_packet_on_air {
    uint32_t frf;          /* carrier, as the Frf register value (MHz x 16384) */
    uint32_t bitrate;      /* bit/s */
    uint8_t sync_size;     /* 0: no sync word */
    uint8_t sync[8];
    uint8_t length;
    uint8_t bytes[RFM69_FIFO_BYTES];
};

struct rfm69_world {
    void *context;
    void (*dio0)(void *context, int level);
    /* A transmission started: the world calls rfm69_transmitted() after airtime_us. */
    void (*on_air)(void *context, const struct rfm69_packet_on_air *packet, double airtime_us);
    /* The chip entered a mode (listening events are told from here). */
    void (*mode_changed)(void *context, enum rfm69_mode mode, uint32_t frf);
};

struct rfm69 {
    struct rfm69_world world;
    uint8_t reg[0x80];
    uint8_t fifo[RFM69_FIFO_BYTES];
    uint8_t fifo_length;
    uint8_t fifo_read;
    int selected;
    int have_address;
    int writing;
    uint8_t address;
    int receiver_armed; /* listening for a sync word (off after a packet: RestartRx) */
    int on_air;
    int dio0;
    uint32_t packets_heard;
};

void rfm69_power_on(struct rfm69 *chip, struct rfm69_world world);
void rfm69_select(struct rfm69 *chip, int selected);
uint8_t rfm69_spi(struct rfm69 *chip, uint8_t mosi);
/* A packet arrives over the air; 1 if the chip received it into its FIFO. */
int rfm69_receive(struct rfm69 *chip, const struct rfm69_packet_on_air *packet, int rssi_dbm);
void rfm69_transmitted(struct rfm69 *chip);
enum rfm69_mode rfm69_mode(const struct rfm69 *chip);
uint32_t rfm69_frf(const struct rfm69 *chip);
double rfm69_mhz(uint32_t frf);

#endif

#include "rfm69_model.h"

#include <string.h>

enum {
    REG_FIFO = 0x00, REG_OPMODE = 0x01, REG_DATAMODUL = 0x02, REG_BITRATEMSB = 0x03,
    REG_BITRATELSB = 0x04, REG_FRFMSB = 0x07, REG_FRFMID = 0x08, REG_FRFLSB = 0x09,
    REG_VERSION = 0x10, REG_RSSIVALUE = 0x24, REG_DIOMAPPING1 = 0x25, REG_IRQFLAGS1 = 0x27,
    REG_IRQFLAGS2 = 0x28, REG_PREAMBLEMSB = 0x2C, REG_PREAMBLELSB = 0x2D,
    REG_SYNCCONFIG = 0x2E, REG_SYNCVALUE1 = 0x2F, REG_PACKETCONFIG1 = 0x37,
    REG_PAYLOADLENGTH = 0x38, REG_FIFOTHRESH = 0x3C, REG_PACKETCONFIG2 = 0x3D,
};
#define IRQ1_MODE_READY 0x80
#define IRQ1_RX_READY 0x40
#define IRQ1_TX_READY 0x20
#define IRQ2_FIFO_NOT_EMPTY 0x40
#define IRQ2_FIFO_OVERRUN 0x10
#define IRQ2_PACKET_SENT 0x08
#define IRQ2_PAYLOAD_READY 0x04
#define RESTART_RX 0x04
#define CRYSTAL_HZ 32000000.0
#define TX_STARTUP_US 100.0 /* PLL lock and PA ramp before the first bit (DS: tens of us) */

static const uint8_t RESET_VALUES[][2] = {
    /* datasheet reset values of what the model reads back or uses */
    {REG_OPMODE, 0x04}, {REG_BITRATEMSB, 0x1A}, {REG_BITRATELSB, 0x0B}, {REG_FRFMSB, 0xE4},
    {REG_FRFMID, 0xC0}, {REG_FRFLSB, 0x00}, {REG_VERSION, 0x24}, {REG_DIOMAPPING1, 0x00},
    {REG_IRQFLAGS1, IRQ1_MODE_READY}, {REG_PREAMBLELSB, 0x03}, {REG_SYNCCONFIG, 0x98},
    {REG_SYNCVALUE1, 0x01}, {REG_PACKETCONFIG1, 0x10}, {REG_PAYLOADLENGTH, 0x40},
    {REG_FIFOTHRESH, 0x8F}, {REG_PACKETCONFIG2, 0x02},
};

enum rfm69_mode rfm69_mode(const struct rfm69 *chip) {
    return (enum rfm69_mode)((chip->reg[REG_OPMODE] >> 2) & 0x07);
}

uint32_t rfm69_frf(const struct rfm69 *chip) {
    return ((uint32_t)chip->reg[REG_FRFMSB] << 16) | ((uint32_t)chip->reg[REG_FRFMID] << 8) |
           chip->reg[REG_FRFLSB];
}

double rfm69_mhz(uint32_t frf) {
    return frf * (CRYSTAL_HZ / 524288.0) / 1e6;
}

static uint32_t bitrate(const struct rfm69 *chip) {
    unsigned divider = ((unsigned)chip->reg[REG_BITRATEMSB] << 8) | chip->reg[REG_BITRATELSB];
    return divider ? (uint32_t)(CRYSTAL_HZ / divider) : 0;
}

static void update_dio0(struct rfm69 *chip) {
    uint8_t mapping = chip->reg[REG_DIOMAPPING1] >> 6;
    uint8_t flags = chip->reg[REG_IRQFLAGS2];
    int level = 0;
    if (rfm69_mode(chip) == RFM69_RX) {
        level = mapping == 1 ? (flags & IRQ2_PAYLOAD_READY) != 0 : 0;
    } else if (rfm69_mode(chip) == RFM69_TX) {
        level = mapping == 0 ? (flags & IRQ2_PACKET_SENT) != 0 : 0;
    }
    if (level != chip->dio0) {
        chip->dio0 = level;
        chip->world.dio0(chip->world.context, level);
    }
}

static void fifo_flags(struct rfm69 *chip) {
    if (chip->fifo_read < chip->fifo_length) {
        chip->reg[REG_IRQFLAGS2] |= IRQ2_FIFO_NOT_EMPTY;
    } else {
        chip->reg[REG_IRQFLAGS2] &= (uint8_t)~(IRQ2_FIFO_NOT_EMPTY | IRQ2_PAYLOAD_READY);
        chip->fifo_read = chip->fifo_length = 0;
    }
}

static void clear_fifo(struct rfm69 *chip) {
    chip->fifo_read = chip->fifo_length = 0;
    fifo_flags(chip);
}

static void try_transmit(struct rfm69 *chip) {
    /* RegFifoThresh: bit 7 set, start on FifoNotEmpty; else once the FIFO holds more than
     * the threshold. A 4-byte packet under threshold 4 never starts (the chip waits). */
    uint8_t thresh = chip->reg[REG_FIFOTHRESH];
    uint8_t level = (uint8_t)(chip->fifo_length - chip->fifo_read);
    int start = (thresh & 0x80) ? level > 0 : level > (thresh & 0x7F);
    if (chip->on_air || rfm69_mode(chip) != RFM69_TX || !start) {
        return;
    }
    struct rfm69_packet_on_air packet;
    memset(&packet, 0, sizeof packet);
    packet.frf = rfm69_frf(chip);
    packet.bitrate = bitrate(chip);
    uint8_t sync = chip->reg[REG_SYNCCONFIG];
    packet.sync_size = (sync & 0x80) ? (uint8_t)(((sync >> 3) & 0x07) + 1) : 0;
    memcpy(packet.sync, &chip->reg[REG_SYNCVALUE1], packet.sync_size);
    packet.length = (chip->reg[REG_PACKETCONFIG1] & 0x80) ? level : chip->reg[REG_PAYLOADLENGTH];
    if (packet.length > level) {
        packet.length = level; /* the FIFO ran dry: what was there went out */
    }
    memcpy(packet.bytes, &chip->fifo[chip->fifo_read], packet.length);
    chip->fifo_read = (uint8_t)(chip->fifo_read + packet.length);
    fifo_flags(chip);
    unsigned preamble = ((unsigned)chip->reg[REG_PREAMBLEMSB] << 8) | chip->reg[REG_PREAMBLELSB];
    double bits = 8.0 * (preamble + packet.sync_size + packet.length);
    chip->on_air = 1;
    chip->world.on_air(chip->world.context, &packet,
                       TX_STARTUP_US + (packet.bitrate ? bits * 1e6 / packet.bitrate : 0));
}

void rfm69_transmitted(struct rfm69 *chip) {
    chip->on_air = 0;
    if (rfm69_mode(chip) == RFM69_TX) {
        chip->reg[REG_IRQFLAGS2] |= IRQ2_PACKET_SENT;
        update_dio0(chip);
    }
}

static void write_register(struct rfm69 *chip, uint8_t address, uint8_t value) {
    switch (address) {
    case REG_FIFO:
        if (chip->fifo_length < RFM69_FIFO_BYTES) {
            chip->fifo[chip->fifo_length++] = value;
        } else {
            chip->reg[REG_IRQFLAGS2] |= IRQ2_FIFO_OVERRUN;
        }
        fifo_flags(chip);
        try_transmit(chip);
        return;
    case REG_VERSION:
    case REG_RSSIVALUE:
    case REG_IRQFLAGS1:
        return; /* read-only */
    case REG_IRQFLAGS2:
        if (value & IRQ2_FIFO_OVERRUN) {
            chip->reg[REG_IRQFLAGS2] &= (uint8_t)~IRQ2_FIFO_OVERRUN;
            clear_fifo(chip);
            update_dio0(chip);
        }
        return;
    case REG_PACKETCONFIG2:
        chip->reg[address] = (uint8_t)(value & ~RESTART_RX);
        if ((value & RESTART_RX) && rfm69_mode(chip) == RFM69_RX) {
            chip->receiver_armed = 1;
        }
        return;
    case REG_OPMODE: {
        enum rfm69_mode before = rfm69_mode(chip);
        chip->reg[address] = value;
        enum rfm69_mode after = rfm69_mode(chip);
        chip->reg[REG_IRQFLAGS1] = IRQ1_MODE_READY | (after == RFM69_RX ? IRQ1_RX_READY : 0) |
                                   (after == RFM69_TX ? IRQ1_TX_READY : 0);
        if (before == RFM69_TX && after != RFM69_TX) {
            chip->reg[REG_IRQFLAGS2] &= (uint8_t)~IRQ2_PACKET_SENT;
        }
        if (after == RFM69_RX && before != RFM69_RX) {
            chip->receiver_armed = 1;
        } else if (after != RFM69_RX) {
            chip->receiver_armed = 0;
        }
        if (before != after) {
            chip->world.mode_changed(chip->world.context, after, rfm69_frf(chip));
        }
        update_dio0(chip);
        try_transmit(chip);
        return;
    }
    default:
        chip->reg[address] = value;
        if (address == REG_DIOMAPPING1) {
            update_dio0(chip);
        }
    }
}

static uint8_t read_register(struct rfm69 *chip, uint8_t address) {
    if (address != REG_FIFO) {
        return chip->reg[address];
    }
    if (chip->fifo_read >= chip->fifo_length) {
        return 0; /* reading an empty FIFO gives nothing useful */
    }
    uint8_t value = chip->fifo[chip->fifo_read++];
    fifo_flags(chip);
    update_dio0(chip);
    return value;
}

void rfm69_power_on(struct rfm69 *chip, struct rfm69_world world) {
    memset(chip, 0, sizeof *chip);
    chip->world = world;
    for (size_t i = 0; i < sizeof RESET_VALUES / sizeof RESET_VALUES[0]; i++) {
        chip->reg[RESET_VALUES[i][0]] = RESET_VALUES[i][1];
    }
}

void rfm69_select(struct rfm69 *chip, int selected) {
    chip->selected = selected;
    chip->have_address = 0;
}

uint8_t rfm69_spi(struct rfm69 *chip, uint8_t mosi) {
    if (!chip->selected) {
        return 0xFF; /* MISO floats: the pull-up reads as ones */
    }
    if (!chip->have_address) {
        chip->have_address = 1;
        chip->writing = (mosi & 0x80) != 0;
        chip->address = mosi & 0x7F;
        return 0;
    }
    uint8_t address = chip->address;
    if (address != REG_FIFO) { /* burst access walks the registers; the FIFO stays put */
        chip->address = (uint8_t)((address + 1) & 0x7F);
    }
    if (chip->writing) {
        write_register(chip, address, mosi);
        return 0;
    }
    return read_register(chip, address);
}

int rfm69_receive(struct rfm69 *chip, const struct rfm69_packet_on_air *packet, int rssi_dbm) {
    if (rfm69_mode(chip) != RFM69_RX || !chip->receiver_armed || packet->frf != rfm69_frf(chip)) {
        return 0;
    }
    uint32_t rate = bitrate(chip);
    if (rate == 0 || (rate > packet->bitrate ? rate - packet->bitrate : packet->bitrate - rate) >
                         packet->bitrate / 50) {
        return 0; /* more than 2 % off the sender's bit rate: no sync is found */
    }
    uint8_t sync = chip->reg[REG_SYNCCONFIG];
    uint8_t size = (sync & 0x80) ? (uint8_t)(((sync >> 3) & 0x07) + 1) : 0;
    if (size == 0 || size > packet->sync_size ||
        memcmp(&chip->reg[REG_SYNCVALUE1], packet->sync + packet->sync_size - size, size) != 0) {
        return 0; /* the receiver's sync word must end the sender's */
    }
    int variable = (chip->reg[REG_PACKETCONFIG1] & 0x80) != 0;
    uint8_t length = variable ? packet->bytes[0] : chip->reg[REG_PAYLOADLENGTH];
    if (variable || length > packet->length || length > RFM69_FIFO_BYTES) {
        return 0;
    }
    chip->receiver_armed = 0; /* until RestartRx or RX entered again */
    memcpy(chip->fifo, packet->bytes, length);
    chip->fifo_length = length;
    chip->fifo_read = 0;
    chip->reg[REG_RSSIVALUE] = (uint8_t)(-2 * rssi_dbm);
    chip->reg[REG_IRQFLAGS2] |= IRQ2_PAYLOAD_READY;
    fifo_flags(chip);
    chip->packets_heard++;
    update_dio0(chip);
    return 1;
}

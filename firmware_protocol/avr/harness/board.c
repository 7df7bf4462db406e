/* The emulated receiver board for CI: the unchanged firmware ELF on simavr's
 * ATmega328P, its UART on a pseudo-terminal, an RFM69 model on its SPI bus and DIO0
 * line, and a simulated class on the air (classroom.c), all in simulated time.
 *
 *   board --elf receiver.elf --schedule class.txt [--events FILE] [--link PATH] [--fast]
 *         [--seconds S]
 *
 * Prints the device to open (the --link name if given) on its first line. Opening it
 * resets the chip as opening an Arduino's port does. SIGUSR1 unplugs the board (its
 * device vanishes, the board is off), SIGUSR2 plugs it back; SIGTERM or SIGINT ends.
 * Simulated time is held to the wall clock unless --fast; events (round starts and
 * ends, every acknowledgement checked, listening frequencies) go to --events as JSON
 * lines. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <avr_ioport.h>
#include <avr_spi.h>
#include <avr_uart.h>
#include <sim_avr.h>
#include <sim_elf.h>
#include <sim_irq.h>

#include "classroom.h"
#include "rfm69_model.h"

#define FREQUENCY 16000000
#define SLICE_CYCLES 16000 /* 1 ms: how often the pseudo-terminal is served */
#define SPI_BYTE_CYCLES 32 /* fosc/4: 8 bits of 4 cycles */
#define IDLE_SPEED B9600
#define MAX_EVENTS 8192
#define HOST_BUFFER 65536

enum { TX_DONE = 100, SLICE = 101 };

struct event {
    uint64_t at;
    int kind, argument, tag;
};

static avr_t *avr;
static struct rfm69 chip;
static struct classroom room;
static FILE *events_file;
static const char *link_path;
static int master_fd = -1, slave_fd = -1;
static volatile sig_atomic_t stop_requested, unplug_requested, replug_requested;
static int powered = 1;
static avr_irq_t *uart_input, *spi_input, *dio0_pin;
static int uart_ready = 1;
static uint8_t from_host[HOST_BUFFER], to_host[HOST_BUFFER];
static size_t from_host_start, from_host_end, to_host_length;
static struct event queue[MAX_EVENTS];
static int queue_length;
static uint64_t timer_at; /* when the harness's simavr cycle timer fires; 0: none */
static uint32_t last_listen_frf;
static int spi_timer_fix = 1;

/* The board's time in cycles since the harness started: simavr counts from zero again
 * after each reset, and clears its cycle timers. */
static uint64_t cycle_base;

static uint64_t now_cycles(void *context) {
    (void)context;
    return cycle_base + avr->cycle;
}

static void report(void *context, const char *json) {
    (void)context;
    if (events_file != NULL) {
        fprintf(events_file, "%s\n", json);
        fflush(events_file);
    }
}

/* -- the harness's own timeline, on one simavr cycle timer ------------------------- */
static avr_cycle_count_t on_timer(avr_t *avr_, avr_cycle_count_t when, void *param);

static void arm_timer(void) {
    if (queue_length == 0) {
        return;
    }
    uint64_t first = queue[0].at;
    if (timer_at != 0 && timer_at <= first) {
        return;
    }
    avr_cycle_timer_cancel(avr, on_timer, NULL);
    timer_at = first;
    uint64_t now = now_cycles(NULL);
    avr_cycle_timer_register(avr, first > now ? first - now : 1, on_timer, NULL);
}

static void push(uint64_t at, int kind, int argument, int tag) {
    if (queue_length == MAX_EVENTS) {
        fprintf(stderr, "board: too many radio events at once\n");
        exit(3);
    }
    int i = queue_length++;
    while (i > 0 && queue[(i - 1) / 2].at > at) { /* a binary heap on time */
        queue[i] = queue[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    queue[i] = (struct event){at, kind, argument, tag};
    arm_timer();
}

static struct event pop(void) {
    struct event first = queue[0], last = queue[--queue_length];
    int i = 0;
    for (;;) {
        int child = 2 * i + 1;
        if (child >= queue_length) {
            break;
        }
        if (child + 1 < queue_length && queue[child + 1].at < queue[child].at) {
            child++;
        }
        if (queue[child].at >= last.at) {
            break;
        }
        queue[i] = queue[child];
        i = child;
    }
    queue[i] = last;
    return first;
}

static void at(void *context, uint64_t cycle, int kind, int argument, int tag) {
    (void)context;
    push(cycle, kind, argument, tag);
}

static avr_cycle_count_t on_timer(avr_t *avr_, avr_cycle_count_t when, void *param) {
    (void)avr_;
    (void)param;
    timer_at = 0;
    when += cycle_base;
    while (queue_length > 0 && queue[0].at <= when) {
        struct event event = pop();
        if (event.kind == TX_DONE) {
            rfm69_transmitted(&chip);
        } else if (event.kind != SLICE) {
            classroom_event(&room, event.kind, event.argument, event.tag);
        }
    }
    if (queue_length == 0) {
        return 0;
    }
    timer_at = queue[0].at;
    return timer_at - cycle_base;
}

/* -- the radio chip's world ---------------------------------------------------------- */
static void dio0(void *context, int level) {
    (void)context;
    avr_raise_irq(dio0_pin, (uint32_t)level);
}

static void on_air(void *context, const struct rfm69_packet_on_air *packet, double airtime_us) {
    (void)context;
    classroom_on_air(&room, packet);
    push(now_cycles(NULL) + (uint64_t)(airtime_us * FREQUENCY / 1e6), TX_DONE, 0, 0);
}

static void mode_changed(void *context, enum rfm69_mode mode, uint32_t frf) {
    (void)context;
    if (mode == RFM69_RX && frf != last_listen_frf) {
        last_listen_frf = frf;
        char line[128];
        snprintf(line, sizeof line, "{\"event\": \"listen\", \"mhz\": %.3f, \"t\": %.6f}",
                 rfm69_mhz(frf), (double)now_cycles(NULL) / FREQUENCY);
        report(NULL, line);
    }
}

static int deliver(void *context, const struct rfm69_packet_on_air *packet) {
    (void)context;
    return powered && rfm69_receive(&chip, packet, -55);
}

/* -- pins and buses -------------------------------------------------------------------- */
static void spi_output(struct avr_irq_t *irq, uint32_t value, void *param) {
    (void)irq;
    (void)param;
    avr_raise_irq(spi_input, rfm69_spi(&chip, (uint8_t)value));
}

static void chip_select(struct avr_irq_t *irq, uint32_t value, void *param) {
    (void)irq;
    (void)param;
    rfm69_select(&chip, value == 0);
}

static void poll_led(struct avr_irq_t *irq, uint32_t value, void *param) {
    (void)irq;
    (void)param;
    classroom_led(&room, value != 0);
}

static void uart_output(struct avr_irq_t *irq, uint32_t value, void *param) {
    (void)irq;
    (void)param;
    if (master_fd >= 0 && to_host_length < HOST_BUFFER) {
        to_host[to_host_length++] = (uint8_t)value;
    } /* unplugged, or a host that never reads: the bytes are gone, as on a real cable */
}

static void feed_uart(void) {
    while (uart_ready && from_host_start < from_host_end) {
        avr_raise_irq(uart_input, from_host[from_host_start++]);
    }
}

static void uart_xon(struct avr_irq_t *irq, uint32_t value, void *param) {
    (void)irq;
    (void)value;
    (void)param;
    uart_ready = 1;
    feed_uart();
}

static void uart_xoff(struct avr_irq_t *irq, uint32_t value, void *param) {
    (void)irq;
    (void)value;
    (void)param;
    uart_ready = 0;
}

/* simavr completes every SPI byte 100 us after SPDR is written, whatever the clock; the
 * real bus takes 2 us at fosc/4. The byte's completion timer is moved to that time. */
static avr_io_write_t spdr_write_original;
static void spdr_write(struct avr_t *avr_, avr_io_addr_t addr, uint8_t v, void *param) {
    spdr_write_original(avr_, addr, v, param);
    if (!spi_timer_fix) {
        return;
    }
    avr_cycle_timer_pool_t *pool = &avr_->cycle_timers;
    for (avr_cycle_timer_slot_p slot = pool->timer; slot != NULL; slot = slot->next) {
        if (slot->param == param && slot->when > avr_->cycle + SPI_BYTE_CYCLES) { /* simavr's own cycles */
            avr_cycle_timer_t complete = slot->timer;
            avr_cycle_timer_cancel(avr_, complete, param);
            avr_cycle_timer_register(avr_, SPI_BYTE_CYCLES, complete, param);
            break;
        }
    }
}

static void no_sleep(avr_t *avr_, avr_cycle_count_t how_long) {
    (void)avr_;
    (void)how_long; /* the main loop keeps time */
}

/* -- the pseudo-terminal ----------------------------------------------------------------- */
static void set_idle_speed(void) {
    struct termios attributes;
    if (tcgetattr(slave_fd, &attributes) == 0) {
        cfsetispeed(&attributes, IDLE_SPEED);
        cfsetospeed(&attributes, IDLE_SPEED);
        tcsetattr(slave_fd, TCSANOW, &attributes);
    }
}

static const char *open_device(void) {
    static char name[256];
    struct termios raw;
    if (openpty(&master_fd, &slave_fd, name, NULL, NULL) != 0) {
        perror("board: openpty");
        exit(2);
    }
    tcgetattr(slave_fd, &raw);
    cfmakeraw(&raw);
    tcsetattr(slave_fd, TCSANOW, &raw);
    set_idle_speed();
    fcntl(master_fd, F_SETFL, fcntl(master_fd, F_GETFL) | O_NONBLOCK);
    if (link_path != NULL) {
        char temporary[1024];
        snprintf(temporary, sizeof temporary, "%s.new", link_path);
        unlink(temporary);
        if (symlink(name, temporary) != 0 || rename(temporary, link_path) != 0) {
            perror("board: linking the device name");
            exit(2);
        }
        return link_path;
    }
    return name;
}

static void close_device(void) {
    if (link_path != NULL) {
        unlink(link_path);
    }
    close(master_fd);
    close(slave_fd);
    master_fd = slave_fd = -1;
    to_host_length = 0;
    from_host_start = from_host_end = 0;
}

static void power_on_reset(void) {
    uint64_t before = now_cycles(NULL);
    classroom_board_reset(&room, 1);
    avr_reset(avr);
    cycle_base = before - avr->cycle;
    classroom_board_reset(&room, 0);
    uart_ready = 1;
    timer_at = 0; /* the reset cleared simavr's timers, ours among them */
    arm_timer();
}

static void serve_device(void) {
    struct termios attributes;
    if (tcgetattr(slave_fd, &attributes) == 0 && cfgetospeed(&attributes) != IDLE_SPEED) {
        set_idle_speed(); /* the host opened the port and set its speed: DTR resets the board */
        power_on_reset();
    }
    if (from_host_start == from_host_end) {
        from_host_start = from_host_end = 0;
    }
    ssize_t got = read(master_fd, from_host + from_host_end, HOST_BUFFER - from_host_end);
    if (got > 0) {
        from_host_end += (size_t)got;
    }
    feed_uart();
    if (to_host_length > 0) {
        ssize_t sent = write(master_fd, to_host, to_host_length);
        if (sent > 0) {
            memmove(to_host, to_host + sent, to_host_length - (size_t)sent);
            to_host_length -= (size_t)sent;
        }
    }
}

static void on_signal(int number) {
    if (number == SIGUSR1) {
        unplug_requested = 1;
    } else if (number == SIGUSR2) {
        replug_requested = 1;
    } else {
        stop_requested = 1;
    }
}

static double wall_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec / 1e9;
}

static double wall_of(void *context) {
    (void)context;
    return wall_seconds();
}

static void usage(void) {
    fprintf(stderr, "usage: board --elf FILE --schedule FILE [--events FILE] [--link PATH] "
                    "[--fast] [--seconds S]\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *elf = NULL, *schedule = NULL, *events = NULL;
    int fast = 0;
    double stop_at_s = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--fast")) {
            fast = 1;
        } else if (!strcmp(argv[i], "--slow-spi")) {
            spi_timer_fix = 0;
        } else if (i + 1 < argc && !strcmp(argv[i], "--elf")) {
            elf = argv[++i];
        } else if (i + 1 < argc && !strcmp(argv[i], "--schedule")) {
            schedule = argv[++i];
        } else if (i + 1 < argc && !strcmp(argv[i], "--events")) {
            events = argv[++i];
        } else if (i + 1 < argc && !strcmp(argv[i], "--link")) {
            link_path = argv[++i];
        } else if (i + 1 < argc && !strcmp(argv[i], "--seconds")) {
            stop_at_s = atof(argv[++i]);
        } else {
            usage();
        }
    }
    if (elf == NULL || schedule == NULL) {
        usage();
    }
    /* simavr prints on stdout: the device's name goes alone on the real one */
    FILE *device_out = fdopen(dup(STDOUT_FILENO), "w");
    dup2(STDERR_FILENO, STDOUT_FILENO);
    char error[512];
    if (!classroom_load(&room, schedule, error, sizeof error)) {
        fprintf(stderr, "board: %s\n", error);
        return 2;
    }
    if (events != NULL && (events_file = fopen(events, "w")) == NULL) {
        fprintf(stderr, "board: cannot write %s: %s\n", events, strerror(errno));
        return 2;
    }
    elf_firmware_t firmware;
    memset(&firmware, 0, sizeof firmware);
    if (elf_read_firmware(elf, &firmware) != 0) {
        fprintf(stderr, "board: cannot read the firmware %s\n", elf);
        return 2;
    }
    avr = avr_make_mcu_by_name("atmega328p");
    if (avr == NULL || avr_init(avr) != 0) {
        fprintf(stderr, "board: simavr has no atmega328p\n");
        return 2;
    }
    avr->log = LOG_ERROR;
    firmware.frequency = FREQUENCY;
    avr_load_firmware(avr, &firmware);
    avr->sleep = no_sleep;

    uint32_t flags = 0;
    avr_ioctl(avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
    flags &= ~(uint32_t)(AVR_UART_FLAG_STDIO | AVR_UART_FLAG_POLL_SLEEP);
    avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
    uart_input = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT),
                            uart_output, NULL);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON),
                            uart_xon, NULL);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF),
                            uart_xoff, NULL);
    spi_input = avr_io_getirq(avr, AVR_IOCTL_SPI_GETIRQ(0), SPI_IRQ_INPUT);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_SPI_GETIRQ(0), SPI_IRQ_OUTPUT),
                            spi_output, NULL);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('B'), 2), chip_select,
                            NULL);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('D'), 4), poll_led, NULL);
    dio0_pin = avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('D'), 2);
    avr_io_addr_t spdr = 0x4E; /* SPDR's data address on the ATmega328P */
    spdr_write_original = avr->io[AVR_DATA_TO_IO(spdr)].w.c;
    avr->io[AVR_DATA_TO_IO(spdr)].w.c = spdr_write;

    rfm69_power_on(&chip, (struct rfm69_world){NULL, dio0, on_air, mode_changed});
    classroom_start(&room, (struct classroom_world){NULL, now_cycles, FREQUENCY, at, deliver,
                                                    report, wall_of});
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGUSR1, &action, NULL);
    sigaction(SIGUSR2, &action, NULL);
    signal(SIGPIPE, SIG_IGN);

    fprintf(device_out, "%s\n", open_device());
    fclose(device_out);
    double wall_start = wall_seconds(), paced = 0;
    while (!stop_requested) {
        if (unplug_requested) {
            unplug_requested = 0;
            close_device();
            powered = 0;
            report(NULL, "{\"event\": \"unplugged\"}");
        }
        if (replug_requested) {
            replug_requested = 0;
            if (!powered) {
                open_device();
                rfm69_power_on(&chip, (struct rfm69_world){NULL, dio0, on_air, mode_changed});
                last_listen_frf = 0;
                power_on_reset();
                powered = 1;
                report(NULL, "{\"event\": \"plugged\"}");
            }
        }
        if (!powered) {
            usleep(10000); /* the board is off: its clock, and the class's, stand still */
            continue;
        }
        uint64_t slice_end = now_cycles(NULL) + SLICE_CYCLES;
        push(slice_end, SLICE, 0, 0);
        while (now_cycles(NULL) < slice_end) {
            int state = avr_run(avr);
            if (state == cpu_Done || state == cpu_Crashed) {
                fprintf(stderr, "board: the firmware stopped (%s) at pc 0x%04x\n",
                        state == cpu_Crashed ? "crashed" : "done", avr->pc);
                return 1;
            }
        }
        serve_device();
        double simulated = (double)now_cycles(NULL) / FREQUENCY;
        if (stop_at_s > 0 && simulated >= stop_at_s) {
            break;
        }
        if (!fast) {
            double ahead = simulated - (wall_seconds() - wall_start);
            if (ahead > 0.002) {
                usleep((useconds_t)(ahead * 1e6));
                paced += ahead;
            }
        }
    }
    double wall = wall_seconds() - wall_start;
    char line[512];
    snprintf(line, sizeof line,
             "{\"event\": \"exit\", \"simulated_s\": %.3f, \"wall_s\": %.3f, \"busy_wall_s\": "
             "%.3f, \"heard\": %lu, \"deaf\": %lu, \"acks\": %lu, \"acks_closed\": %lu, "
             "\"acks_again\": %lu, \"acks_invalid\": %lu}",
             (double)now_cycles(NULL) / FREQUENCY, wall, wall - paced, room.delivered, room.deaf,
             room.acks_accept, room.acks_closed, room.acks_again, room.acks_invalid);
    report(NULL, line);
    if (master_fd >= 0) {
        close_device();
    }
    classroom_free(&room);
    return 0;
}

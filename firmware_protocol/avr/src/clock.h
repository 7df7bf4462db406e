/* Time since start from Timer1 (0.5 us ticks): microseconds for the receiver clock of
 * each packet, milliseconds for uptime and the status cadence. */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

void clock_init(void);
uint32_t clock_micros(void);
uint32_t clock_millis(void);

#endif

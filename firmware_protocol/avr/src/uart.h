/* The UART at 115200 baud, interrupt-driven both ways: a byte is never waited for
 * and never waited on. A full ring drops the byte and counts it. */
#ifndef UART_H
#define UART_H

#include <stdint.h>

void uart_init(void);
/* The next received byte, or -1 if none is waiting. */
int16_t uart_read(void);
/* Room in the transmit ring, in bytes. */
uint16_t uart_room(void);
/* Queue a byte; the caller checked the room first (a full ring drops it). */
void uart_write(uint8_t byte);
uint8_t uart_idle(void);
extern volatile uint16_t uart_rx_dropped;

#endif

#include "uart.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <util/atomic.h>

#define RX_SIZE 64 /* powers of two: the index wraps with a mask */
#define TX_SIZE 256 /* at most 256: the indexes are single bytes, read atomically */

static volatile uint8_t rx_ring[RX_SIZE];
static volatile uint8_t rx_head, rx_tail;
static volatile uint8_t tx_ring[TX_SIZE];
static volatile uint8_t tx_head, tx_tail;
volatile uint16_t uart_rx_dropped;

void uart_init(void) {
    UCSR0A = _BV(U2X0); /* 115200 baud from 16 MHz: UBRR 16 with U2X, as Arduino's core */
    UBRR0H = 0;
    UBRR0L = 16;
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00); /* 8N1 */
    UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
}

ISR(USART_RX_vect) {
    uint8_t byte = UDR0;
    uint8_t next = (uint8_t)((rx_head + 1) & (RX_SIZE - 1));
    if (next == rx_tail) {
        uart_rx_dropped++;
        return;
    }
    rx_ring[rx_head] = byte;
    rx_head = next;
}

ISR(USART_UDRE_vect) {
    if (tx_tail == tx_head) {
        UCSR0B &= (uint8_t)~_BV(UDRIE0);
        return;
    }
    UDR0 = tx_ring[tx_tail];
    tx_tail = (uint8_t)((tx_tail + 1) & (TX_SIZE - 1));
}

int16_t uart_read(void) {
    if (rx_tail == rx_head) {
        return -1;
    }
    uint8_t byte = rx_ring[rx_tail];
    rx_tail = (uint8_t)((rx_tail + 1) & (RX_SIZE - 1));
    return byte;
}

uint16_t uart_room(void) {
    return (uint16_t)((uint8_t)(tx_tail - tx_head - 1) & (TX_SIZE - 1));
}

void uart_write(uint8_t byte) {
    uint8_t next = (uint8_t)((tx_head + 1) & (TX_SIZE - 1));
    if (next == tx_tail) {
        return; /* the caller checks the room: never reached */
    }
    tx_ring[tx_head] = byte;
    ATOMIC_BLOCK(ATOMIC_RESTORESTATE) {
        tx_head = next;
        UCSR0B |= _BV(UDRIE0);
    }
}

uint8_t uart_idle(void) {
    return rx_tail == rx_head;
}

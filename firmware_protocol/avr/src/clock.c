#include "clock.h"

#include <avr/interrupt.h>
#include <avr/io.h>

static volatile uint32_t overflows; /* of the 16-bit counter: 32.768 ms each */

void clock_init(void) {
    TCCR1A = 0;
    TCCR1B = _BV(CS11); /* clk/8: 2 MHz */
    TIMSK1 = _BV(TOIE1);
}

ISR(TIMER1_OVF_vect) {
    overflows++;
}

static uint64_t ticks(void) {
    uint8_t sreg = SREG;
    cli();
    uint32_t high = overflows;
    uint16_t low = TCNT1;
    if ((TIFR1 & _BV(TOV1)) && low < 0x8000) {
        high++; /* the counter wrapped after interrupts were disabled */
    }
    SREG = sreg;
    return ((uint64_t)high << 16) | low;
}

uint32_t clock_micros(void) {
    return (uint32_t)(ticks() >> 1);
}

uint32_t clock_millis(void) {
    return (uint32_t)(ticks() / 2000);
}

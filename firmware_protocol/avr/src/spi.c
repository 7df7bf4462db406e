#include "spi.h"

#include <avr/io.h>

void spi_init(void) {
    DDRB |= _BV(PB3) | _BV(PB5) | _BV(PB2); /* MOSI, SCK, and SS as output (master stays master) */
    SPCR = _BV(SPE) | _BV(MSTR);             /* fosc/4 */
}

uint8_t spi_transfer(uint8_t out) {
    SPDR = out;
    while (!(SPSR & _BV(SPIF))) {
    }
    return SPDR;
}

/* PL011 console: polled output only. */
#include <machine.h>
#include <arch/mmio.h>

#define UART_DR   0x000
#define UART_FR   0x018
#define UART_CR   0x030
#define FR_TXFF   (1u << 5)
#define CR_UARTEN (1u << 0)
#define CR_TXE    (1u << 8)
#define CR_RXE    (1u << 9)

void uart_init(void)
{
    mmio_write32(MMIO_VA(BOARD_UART_PA) + UART_CR, CR_UARTEN | CR_TXE | CR_RXE);
}

void uart_putc(char c)
{
    uintptr_t base = MMIO_VA(BOARD_UART_PA);
    while (mmio_read32(base + UART_FR) & FR_TXFF)
        ;
    mmio_write32(base + UART_DR, (uint8_t)c);
}

/*
 * What the generic kernel needs from the machine (implemented under arch/): console,
 * interrupt controller, tick timer, and ending the run.
 */
#ifndef KERNEL_MACHINE_H
#define KERNEL_MACHINE_H

#include <types.h>

/* Exit statuses the kernel itself gives QEMU (user programs choose their own). */
#define KERNEL_EXIT_PANIC      120 /* a kernel invariant broke */
#define KERNEL_EXIT_NO_THREADS 121 /* every thread is inactive: nothing can ever run again */
#define KERNEL_EXIT_HALT       122 /* seL4_DebugHalt */

void uart_init(void);
void uart_putc(char c);

void irq_controller_init(void);
void irq_enable(unsigned irq);
/* Edge (true) or level triggering of an SPI. */
void irq_set_trigger(unsigned irq, bool edge);
void irq_disable(unsigned irq);
/* Acknowledges the highest-priority pending interrupt; returns its ID, or IRQ_NONE. */
unsigned irq_ack(void);
void irq_end(unsigned irq);
/* Is an interrupt pending while the kernel runs with interrupts masked? */
bool irq_pending(void);
#define IRQ_NONE 1023u

void timer_init(void);
/* Handles the kernel tick interrupt: rearms the timer for the next tick. */
void timer_tick_rearm(void);
unsigned timer_irq(void);

/* Ends the run with status, through semihosting if QEMU allows it, else PSCI SYSTEM_OFF
 * (which loses the status). */
noreturn void machine_shutdown(int status);
/* The exception level the kernel was entered at (1 or 2); decides the PSCI conduit. */
extern unsigned boot_el;

#endif

/*
 * Interrupts delivered to user level (seL4 reference manual, chapter 8): IRQControl makes
 * IRQHandler caps; a handler names a notification that the interrupt signals.
 */
#ifndef OBJECT_IRQ_H
#define OBJECT_IRQ_H

#include <object/cap.h>

struct invocation;

int irq_control_decode(struct invocation *inv);
int irq_handler_decode(struct invocation *inv);
/* An interrupt with a handler arrived: mask it and signal the handler's notification. */
void irq_deliver(unsigned irq);
/* The last IRQHandler cap for irq is gone. */
void irq_handler_finalise(unsigned irq);

#endif

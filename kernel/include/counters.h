/*
 * Kernel counters for benchmark builds (CONFIG_KERNEL_COUNTERS): kernel entries, context
 * switches and the longest kernel entry in PMCCNTR_EL0 units, with idle time left out.
 * In other builds every hook is an empty inline function: no cost.
 */
#ifndef KERNEL_COUNTERS_H
#define KERNEL_COUNTERS_H

#include <types.h>

struct tcb;

#ifdef CONFIG_KERNEL_COUNTERS
void counters_init(void);
void counters_entry(struct tcb *cur);
void counters_idle_begin(void);
void counters_idle_end(void);
void counters_exit(struct tcb *cur);
void counters_reset(void);
/* Reads the counters (excluding the current kernel entry) into x[0..2]. */
void counters_read(word_t *entries, word_t *switches, word_t *max_entry);
#define KERNEL_COUNTERS_ENABLED 1
#else
static inline void counters_init(void) {}
static inline void counters_entry(struct tcb *cur)
{
    (void)cur;
}
static inline void counters_idle_begin(void) {}
static inline void counters_idle_end(void) {}
static inline void counters_exit(struct tcb *cur)
{
    (void)cur;
}
#define KERNEL_COUNTERS_ENABLED 0
#endif

#endif

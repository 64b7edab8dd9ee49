/*
 * The timer service: one per process, on the EL1 virtual timer (PPI 27), which EL0 programs
 * directly (CNTV_CVAL_EL0 / CNTV_CTL_EL0). Deadlines of every timer descriptor, event-loop
 * timer and poll timeout sit in one min-heap; the timer is programmed for the earliest, and
 * its interrupt notification is a member of the process's notification set, so waiting for
 * a deadline is waiting on the set. Times are counter ticks (CNTVCT_EL0).
 */
#ifndef POSIX_TIMER_H
#define POSIX_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* picolibc defines CLOCK_MONOTONIC only on some systems; here clock_gettime and timerfd
 * provide it (with picolibc's value). */
#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC ((clockid_t)4)
#endif

struct posix_timer {
    uint64_t deadline; /* ticks */
    /* Called from the service (inside a wait, never re-entrantly) once the deadline has
     * passed; the timer is no longer queued then and may be started again. */
    void (*fire)(struct posix_timer *t, uint64_t now);
    /* Private. */
    uint64_t seq;
    size_t index; /* heap position + 1; 0 when not queued */
};

/* The virtual counter, and conversions (the counter runs at CNTFRQ_EL0, 62.5 MHz on QEMU). */
uint64_t posix_clock_ticks(void);
uint64_t posix_ticks_from_ns(uint64_t ns);
uint64_t posix_ns_from_ticks(uint64_t ticks);

/* Queues t to fire at deadline (ticks); a queued t is moved. t must be zeroed before its
 * first start. -1 with errno ENOTSUP if the process has no timer service, ENOMEM. Equal
 * deadlines fire in start order. */
int posix_timer_start(struct posix_timer *t, uint64_t deadline);
/* Unqueues t if queued. */
void posix_timer_stop(struct posix_timer *t);

/* Fires, earliest first, every timer whose deadline is at or before `now` (the service does
 * this when its interrupt arrives; callers that want due timers run now may too). */
void posix_timer_run(uint64_t now);
/* The earliest queued deadline, or UINT64_MAX. */
uint64_t posix_timer_next(void);

static inline bool posix_timer_queued(const struct posix_timer *t)
{
    return t->index != 0;
}

#endif

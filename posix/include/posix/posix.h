/*
 * posix/: descriptors, poll(), select() and an event loop for programs on this kernel,
 * built on libnotifyset (docs/posix.md). This header is the library's own interface; the
 * POSIX functions keep their standard headers:
 *
 *   <unistd.h>        read, write, close, pipe       <fcntl.h>      fcntl (F_GETFL/F_SETFL)
 *   <poll.h>          poll (ours: picolibc has none) <sys/select.h> select
 *   <sys/eventfd.h>   eventfd                        <sys/timerfd.h> timerfd_*
 *   <time.h>          clock_gettime (CLOCK_MONOTONIC)
 *   <posix/channel.h> channels between processes     <posix/evloop.h> the event loop
 *   <posix/timer.h>   the timer service
 *
 * Each process has one descriptor table and, in a process with the runtime's allocators (the
 * root task), one notification set that every descriptor is registered in the first time
 * something waits on it (poll, select, the event loop, a blocking read or write); the
 * registration is kept until close, so a call's blocking part does not grow with the number
 * of idle descriptors. A child process (rt_process_create) has no set: it waits on one
 * descriptor's notification directly, and polls several by yielding (docs/posix.md).
 *
 * Not thread-safe: one thread per process uses the library, except that other threads may
 * write() to an eventfd. Errors are reported POSIX-style: -1 and errno.
 */
#ifndef POSIX_POSIX_H
#define POSIX_POSIX_H

#include <stdbool.h>
#include <stddef.h>
#include <notifyset.h>

#define POSIX_OPEN_MAX   65536 /* descriptors per process (poll's nfds limit too) */
#define POSIX_SELECT_MAX 1024  /* select's nfds limit: define FD_SETSIZE up to this */
#define POSIX_CAPACITY   1024  /* default: descriptors registered for waiting at once */

struct posix_config {
    ns_backend_t backend;          /* NS_BACKEND_BEST (default), _KERNEL or _FALLBACK */
    ns_fallback_variant_t variant; /* fallback only */
    size_t capacity;               /* registered descriptors at once; 0: POSIX_CAPACITY */
    seL4_Word waiter_priority;     /* priority of the thread using the library (0: the
                                      root task's, seL4_MaxPrio); sets the fallback's helpers */
    bool no_timer;                 /* do not take the virtual timer (PPI 27) */
};

/* Sets the library up for this process with cfg (NULL: defaults). Optional: the first call
 * that needs it sets up the defaults. In a child process only the descriptor table is made.
 * Returns 0, or -1 with errno EBUSY (already set up), ENOTSUP (backend not available),
 * ENOMEM. Without the timer service (no_timer, or irq 27 taken) finite timeouts spin. */
int posix_init(const struct posix_config *cfg);
/* Closes every descriptor, frees every channel, the set and the timer service; the next
 * call starts afresh. Root task only. */
void posix_fini(void);

/* The backend of this process's set, or -1 when it has none (a child process). */
int posix_backend(void);
/* The set itself (NULL in a child), for ns_set_variant and for composing with other
 * waits; descriptors own the members they register, so do not remove those. */
ns_set_t *posix_set(void);
/* Whether the timer service runs in this process. */
bool posix_has_timer(void);

/* Counters since posix_init (for tests and benchmarks). */
struct posix_stats {
    unsigned long waits;      /* blocking ns_wait calls */
    unsigned long events;     /* events they and ns_poll returned */
    unsigned long stale;      /* events for descriptors closed since */
    unsigned long registered; /* descriptors registered right now */
    unsigned long timer_irqs; /* timer interrupts handled */
};
void posix_get_stats(struct posix_stats *s);

#endif

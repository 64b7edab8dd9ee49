/*
 * poll(): a scan of the caller's array, then, if nothing is ready, waits on the set.
 *
 *   scan      for each pollfd: look the descriptor up (POLLNVAL if not open), register its
 *             notification in the set if it never was (once; kept until close), check the
 *             real state (ring indices, counters, clock) and arm the wake-up for what is
 *             not ready. No system call for an idle, registered descriptor.
 *   wait      ns_wait on the set. Every event names a descriptor (or the timer service);
 *             those that belong to this call are queued on a list, and only they are
 *             checked again. Events of descriptors that this call does not watch are
 *             dropped: their state is checked by whichever call next watches them.
 *
 * So a call costs O(nfds) for the scan, which POSIX's interface imposes (the array is the
 * caller's and may change between calls), plus O(ready) for the wait: the kernel (or the
 * fallback's helper threads) does the waiting, whatever the number of idle descriptors.
 * Each object records the generation of the last call that scanned it and its index there,
 * which maps an event back to its pollfd; a descriptor listed twice in one array makes the
 * call re-scan the array after each wake-up instead.
 *
 * A process without a set (a child) waits on the notification directly when all the
 * descriptors share one and there is no timeout, and otherwise re-scans after each
 * seL4_Yield (docs/posix.md).
 */
#include <errno.h>
#include <poll.h>
#include <posix/timer.h>
#include "internal.h"

#define NO_DEADLINE UINT64_MAX

struct scan {
    uint64_t gen;
    bool register_all; /* the call may block: register what is not registered yet */
    bool dups;         /* a descriptor appears twice */
    bool reg_failed;
};

static struct {
    uint64_t gen;      /* generation of the last call */
    bool waiting;      /* a call is blocked and collects woken descriptors */
    uint64_t wait_gen; /* its generation */
    struct posix_object *woken;
} pl;

void posix_poll_woken(struct posix_object *o)
{
    if (pl.waiting && o->poll_gen == pl.wait_gen && o->woken_gen != pl.wait_gen) {
        o->woken_gen = pl.wait_gen;
        o->next_woken = pl.woken;
        pl.woken = o;
    }
}

static inline short check(struct posix_object *o, short events)
{
    return o->ops->ready(o, events, true) & (events | POLLHUP | POLLERR);
}

/* Fills every revents; returns how many are non-zero. (The call's fields are copied to
 * locals: the indirect ready() calls would otherwise make the compiler reload them.) */
static int scan(struct pollfd *fds, size_t nfds, struct scan *s)
{
    const uint64_t gen = s->gen;
    const bool register_all = s->register_all;
    bool dups = false, reg_failed = false;
    int count = 0;
    posix_fence();
    for (size_t i = 0; i < nfds; i++) {
        struct pollfd *p = &fds[i];
        short rev = 0;
        if (p->fd >= 0) {
            struct posix_object *o = posix_fd_lookup(p->fd);
            if (!o) {
                rev = POLLNVAL;
            } else {
                if (o->poll_gen == gen) {
                    dups = true;
                } else {
                    o->poll_gen = gen;
                    o->poll_slot = i;
                }
                if (register_all && !o->registered && o->ntfn && posix_register(o) < 0)
                    reg_failed = true;
                rev = check(o, p->events);
            }
        }
        p->revents = rev;
        count += rev != 0;
    }
    s->dups |= dups;
    s->reg_failed |= reg_failed;
    return count;
}

/* Checks the descriptors woken since the last call of this function. */
static int recheck_woken(struct pollfd *fds)
{
    int count = 0;
    struct posix_object *o;
    posix_fence();
    while ((o = pl.woken)) {
        pl.woken = o->next_woken;
        o->woken_gen = 0;
        struct pollfd *p = &fds[o->poll_slot];
        p->revents = check(o, p->events);
        count += p->revents != 0;
    }
    return count;
}

static void timeout_fire(struct posix_timer *t, uint64_t now)
{
    (void)t, (void)now; /* the wake-up is all that is needed */
}

/* Waits on the set until a descriptor of the call is ready or the deadline passes. Without
 * the timer service a finite timeout polls the set and yields in between. */
static int wait_set(struct pollfd *fds, size_t nfds, struct scan *s, uint64_t deadline)
{
    struct posix_timer timeout = {.fire = timeout_fire};
    bool timed = deadline != NO_DEADLINE, spin = timed && !posix_timer_available();
    if (timed && !spin && posix_timer_start(&timeout, deadline) < 0)
        return -1;
    pl.waiting = true;
    pl.wait_gen = s->gen;
    pl.woken = NULL;
    int count;
    for (;;) {
        if (posix_wait_set(!spin) < 0) {
            count = -1;
            break;
        }
        count = s->dups ? scan(fds, nfds, s) : recheck_woken(fds);
        if (count || (timed && posix_clock_ticks() >= deadline))
            break;
        if (spin)
            seL4_Yield();
    }
    while (pl.woken) {
        pl.woken->woken_gen = 0;
        pl.woken = pl.woken->next_woken;
    }
    pl.waiting = false;
    posix_timer_stop(&timeout);
    return count;
}

/* A process without a set: one notification can be waited on; anything else is polled. */
static int wait_child(struct pollfd *fds, size_t nfds, struct scan *s, uint64_t deadline)
{
    seL4_CPtr only = 0;
    bool several = false;
    for (size_t i = 0; i < nfds; i++) {
        struct posix_object *o = fds[i].fd >= 0 ? posix_fd_get(fds[i].fd) : NULL;
        if (o && o->ntfn) {
            several = several || (only && o->ntfn != only);
            only = o->ntfn;
        }
    }
    for (;;) {
        if (only && !several && deadline == NO_DEADLINE)
            seL4_Wait(only, NULL);
        else
            seL4_Yield();
        int count = scan(fds, nfds, s);
        if (count || (deadline != NO_DEADLINE && posix_clock_ticks() >= deadline))
            return count;
    }
}

int posix_poll(struct pollfd *fds, size_t nfds, int64_t timeout_ns)
{
    struct posix_state *st = posix_state();
    if (!st)
        return -1;
    if (nfds > POSIX_OPEN_MAX) {
        errno = EINVAL;
        return -1;
    }
    struct scan s = {.gen = ++pl.gen, .register_all = timeout_ns != 0 && st->set};
    int count = scan(fds, nfds, &s);
    if (count || timeout_ns == 0)
        return count;
    if (s.reg_failed) {
        errno = EAGAIN;
        return -1;
    }
    uint64_t deadline = NO_DEADLINE;
    if (timeout_ns > 0)
        deadline = posix_clock_ticks() + posix_ticks_from_ns((uint64_t)timeout_ns);
    return st->set ? wait_set(fds, nfds, &s, deadline) : wait_child(fds, nfds, &s, deadline);
}

int poll(struct pollfd fds[], nfds_t nfds, int timeout)
{
    return posix_poll(fds, nfds, timeout < 0 ? -1 : (int64_t)timeout * 1000000);
}

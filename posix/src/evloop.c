/*
 * The event loop (posix/include/posix/evloop.h) on the process's set.
 *
 * Three queues, each FIFO and doubly linked where entries can leave early:
 *
 *   defer    deferred callbacks                 (evl_defer)
 *   due      timers past their deadline         (filled by the timer service's fire)
 *   pending  watchers that may be ready         (filled by set events, through
 *                                                posix_woken, and by evl_io_start)
 *
 * Each step of an iteration takes a new stamp and runs only the entries queued with an
 * older one, so callbacks that queue more (a deferred callback deferring again, a ready
 * watcher staying ready) never make a step run forever. A pending watcher is checked
 * against the real state first: not ready -> it leaves the queue and waits for its next
 * signal; ready -> its callback runs, and if the state still holds afterwards it is queued
 * again for the next iteration. That gives level-triggered callbacks at O(ready) cost per
 * iteration.
 */
#include <errno.h>
#include <string.h>
#include <posix/evloop.h>
#include "internal.h"

#define LINK_APPEND(loop, head, tail, item, prev, next)                                            \
    do {                                                                                           \
        (item)->prev = (loop)->tail;                                                               \
        (item)->next = NULL;                                                                       \
        if ((loop)->tail)                                                                          \
            (loop)->tail->next = (item);                                                           \
        else                                                                                       \
            (loop)->head = (item);                                                                 \
        (loop)->tail = (item);                                                                     \
    } while (0)

#define LINK_REMOVE(loop, head, tail, item, prev, next)                                            \
    do {                                                                                           \
        if ((item)->prev)                                                                          \
            (item)->prev->next = (item)->next;                                                     \
        else                                                                                       \
            (loop)->head = (item)->next;                                                           \
        if ((item)->next)                                                                          \
            (item)->next->prev = (item)->prev;                                                     \
        else                                                                                       \
            (loop)->tail = (item)->prev;                                                           \
    } while (0)

int evl_init(struct evl_loop *loop)
{
    memset(loop, 0, sizeof(*loop));
    struct posix_state *st = posix_state();
    if (!st)
        return -1;
    if (!st->set) {
        errno = ENOTSUP;
        return -1;
    }
    return 0;
}

/* ---- Watchers ---- */

static void pending_add(struct evl_loop *loop, struct evl_io *io)
{
    if (io->pending)
        return;
    io->pending = true;
    io->stamp = loop->stamp;
    LINK_APPEND(loop, pending_head, pending_tail, io, prev_pending, next_pending);
}

static void pending_remove(struct evl_loop *loop, struct evl_io *io)
{
    if (!io->pending)
        return;
    io->pending = false;
    LINK_REMOVE(loop, pending_head, pending_tail, io, prev_pending, next_pending);
}

void evl_io_woken(struct evl_io *io)
{
    if (io->loop)
        pending_add(io->loop, io);
}

void evl_io_closed(struct evl_io *io)
{
    evl_io_stop(io);
}

int evl_io_start(struct evl_loop *loop, struct evl_io *io, int fd, short events, evl_io_cb cb,
                 void *data)
{
    evl_io_stop(io); /* restarting a started watcher */
    struct posix_object *o = posix_fd_get(fd);
    if (!o) {
        errno = EBADF;
        return -1;
    }
    if (o->watcher) {
        errno = EBUSY;
        return -1;
    }
    if (posix_register(o) < 0)
        return -1;
    memset(io, 0, sizeof(*io));
    io->fd = fd;
    io->events = events;
    io->cb = cb;
    io->data = data;
    io->loop = loop;
    o->watcher = io;
    loop->watchers++;
    /* It may be ready already: its signal may have come before the registration. */
    pending_add(loop, io);
    return 0;
}

void evl_io_set_events(struct evl_io *io, short events)
{
    io->events = events;
    if (io->loop)
        pending_add(io->loop, io);
}

void evl_io_stop(struct evl_io *io)
{
    struct evl_loop *loop = io->loop;
    if (!loop)
        return;
    struct posix_object *o = posix_fd_get(io->fd);
    if (o && o->watcher == io)
        o->watcher = NULL;
    pending_remove(loop, io);
    loop->watchers--;
    io->loop = NULL;
}

/* ---- Timers ---- */

static void timer_fire(struct posix_timer *entry, uint64_t now)
{
    (void)now;
    struct evl_timer *t = (struct evl_timer *)((char *)entry - offsetof(struct evl_timer, entry));
    struct evl_loop *loop = t->loop;
    t->due = true;
    t->stamp = loop->stamp;
    LINK_APPEND(loop, due_head, due_tail, t, prev_due, next_due);
}

int evl_timer_start(struct evl_loop *loop, struct evl_timer *t, uint64_t after_ns,
                    uint64_t repeat_ns, evl_timer_cb cb, void *data)
{
    if (t->loop)
        evl_timer_stop(t);
    memset(t, 0, sizeof(*t));
    t->cb = cb;
    t->data = data;
    t->interval = posix_ticks_from_ns(repeat_ns);
    if (repeat_ns && !t->interval)
        t->interval = 1;
    t->entry.fire = timer_fire;
    if (posix_timer_start(&t->entry, posix_clock_ticks() + posix_ticks_from_ns(after_ns)) < 0)
        return -1;
    t->loop = loop;
    loop->timers++;
    LINK_APPEND(loop, all_head, all_tail, t, prev_all, next_all);
    return 0;
}

/* A timer leaves the loop (stopped, or a one-shot that fired). */
static void timer_detach(struct evl_loop *loop, struct evl_timer *t)
{
    LINK_REMOVE(loop, all_head, all_tail, t, prev_all, next_all);
    loop->timers--;
    t->loop = NULL;
}

void evl_timer_stop(struct evl_timer *t)
{
    struct evl_loop *loop = t->loop;
    if (!loop)
        return;
    posix_timer_stop(&t->entry);
    if (t->due) {
        t->due = false;
        LINK_REMOVE(loop, due_head, due_tail, t, prev_due, next_due);
    }
    timer_detach(loop, t);
}

/* ---- Deferred callbacks ---- */

void evl_defer(struct evl_loop *loop, struct evl_defer *d, evl_defer_cb cb, void *data)
{
    if (d->queued)
        return;
    d->cb = cb;
    d->data = data;
    d->queued = true;
    d->stamp = loop->stamp;
    d->next = NULL;
    if (loop->defer_tail)
        loop->defer_tail->next = d;
    else
        loop->defer_head = d;
    loop->defer_tail = d;
}

/* ---- Running ---- */

static int run_deferred(struct evl_loop *loop, unsigned long stamp)
{
    int ran = 0;
    struct evl_defer *d;
    while ((d = loop->defer_head) && d->stamp != stamp) {
        loop->defer_head = d->next;
        if (!loop->defer_head)
            loop->defer_tail = NULL;
        d->queued = false;
        d->cb(loop, d);
        ran++;
    }
    return ran;
}

/* Runs the due timers; the caller has let the service fire those due now. */
static int run_timers(struct evl_loop *loop, unsigned long stamp, uint64_t now)
{
    int ran = 0;
    struct evl_timer *t;
    while ((t = loop->due_head) && t->stamp != stamp) {
        t->due = false;
        LINK_REMOVE(loop, due_head, due_tail, t, prev_due, next_due);
        if (t->interval) {
            uint64_t next = t->entry.deadline + t->interval;
            posix_timer_start(&t->entry, next > now ? next : now + t->interval);
        } else {
            timer_detach(loop, t);
        }
        t->cb(loop, t);
        ran++;
    }
    return ran;
}

/* The conditions of io's interest that hold now (its descriptor closed: POLLNVAL). */
static short io_ready(struct evl_io *io)
{
    struct posix_object *o = posix_fd_lookup(io->fd);
    return o ? o->ops->ready(o, io->events, true) & (io->events | POLLHUP | POLLERR) : POLLNVAL;
}

static int run_ready(struct evl_loop *loop, unsigned long stamp)
{
    int ran = 0;
    struct evl_io *io;
    posix_fence();
    while ((io = loop->pending_head) && io->stamp != stamp) {
        pending_remove(loop, io);
        short rev = io_ready(io);
        if (!rev)
            continue;
        io->cb(loop, io, rev);
        ran++;
        /* Still ready (the callback left data, say): run it again next iteration. Checked
         * now rather than next iteration, so that a drained watcher costs no more. */
        if (io->loop == loop) {
            posix_fence();
            if (io_ready(io))
                pending_add(loop, io);
        }
    }
    return ran;
}

int evl_run_once(struct evl_loop *loop, bool block)
{
    loop->iterations++;
    /* Step 1: collect set events (woken watchers join the pending queue, due timers the
     * due queue), blocking only when there is nothing to run. */
    bool idle = !loop->defer_head && !loop->due_head && !loop->pending_head &&
                posix_timer_next() > posix_clock_ticks();
    bool anything = loop->watchers || loop->timers;
    if (posix_wait_set(block && idle && anything && !loop->stop) < 0)
        return -1;
    int ran = run_deferred(loop, ++loop->stamp);
    /* Timers due now join the due queue with the deferred step's stamp: the next step runs
     * them; timers that their callbacks start wait for the next iteration. */
    uint64_t now = posix_clock_ticks();
    posix_timer_run(now);
    ran += run_timers(loop, ++loop->stamp, now);
    ran += run_ready(loop, ++loop->stamp);
    loop->stamp++;
    return ran;
}

void evl_stop(struct evl_loop *loop)
{
    loop->stop = true;
}

int evl_run(struct evl_loop *loop)
{
    loop->stop = false;
    while (!loop->stop && (loop->watchers || loop->timers || loop->defer_head || loop->due_head)) {
        if (evl_run_once(loop, true) < 0)
            return -1;
    }
    loop->stop = false;
    return 0;
}

/* Watchers are found through the descriptor table (a loop keeps no list of idle ones). */
void evl_fini(struct evl_loop *loop)
{
    for (int fd = 0; fd < posix_fd_limit(); fd++) {
        struct posix_object *o = posix_fd_get(fd);
        if (o && o->watcher && o->watcher->loop == loop)
            evl_io_stop(o->watcher);
    }
    while (loop->all_head)
        evl_timer_stop(loop->all_head);
    for (struct evl_defer *d = loop->defer_head; d; d = d->next)
        d->queued = false;
    loop->defer_head = loop->defer_tail = NULL;
}

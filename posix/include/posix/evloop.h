/*
 * An event loop on the process's notification set (either backend): descriptor watchers
 * with callbacks, one-shot and repeating timers, deferred callbacks, run and stop.
 *
 * One iteration of evl_run, in this order:
 *   1. collect what the set reports; if nothing is queued to run (no deferred callback,
 *      due timer or possibly ready watcher) and evl_stop was not called, first block on
 *      the set until a descriptor is signalled or the next timer is due;
 *   2. deferred callbacks queued before this step began, first queued first;
 *   3. timers whose deadline has passed, earliest first (equal deadlines: started first);
 *   4. watchers whose descriptor is ready for their interest, in the order they became
 *      ready; a watcher still ready after its callback is called again next iteration
 *      (level-triggered, as poll), a watcher no longer ready waits for its notification.
 * evl_run returns when evl_stop is called or no watcher, timer or deferred callback is
 * left. Callbacks may start and stop anything, including the watcher or timer running.
 *
 * Cost: an iteration does work for the ready watchers and due timers only, not for the
 * idle watchers (the set does the waiting). One watcher per descriptor.
 *
 * Watchers, timers and deferred callbacks are the caller's memory: zero them before their
 * first use; starting one that is started restarts it. Not thread-safe (posix/posix.h).
 */
#ifndef POSIX_EVLOOP_H
#define POSIX_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <posix/timer.h>

struct evl_loop;
struct evl_io;
struct evl_timer;
struct evl_defer;

typedef void (*evl_io_cb)(struct evl_loop *loop, struct evl_io *io, short revents);
typedef void (*evl_timer_cb)(struct evl_loop *loop, struct evl_timer *t);
typedef void (*evl_defer_cb)(struct evl_loop *loop, struct evl_defer *d);

/* A descriptor watcher. Set by evl_io_start; `data` is the caller's. */
struct evl_io {
    int fd;
    short events; /* POLLIN, POLLOUT (POLLHUP, POLLERR, POLLNVAL are always reported) */
    evl_io_cb cb;
    void *data;
    /* Private. */
    struct evl_loop *loop; /* NULL when stopped */
    struct evl_io *prev_pending, *next_pending;
    unsigned long stamp; /* step that queued it */
    bool pending;
};

struct evl_timer {
    evl_timer_cb cb;
    void *data;
    uint64_t interval; /* ticks; 0: one-shot */
    /* Private. */
    struct evl_loop *loop; /* NULL when stopped */
    struct posix_timer entry;
    struct evl_timer *prev_due, *next_due; /* the loop's due queue */
    struct evl_timer *prev_all, *next_all; /* the loop's active timers */
    unsigned long stamp;
    bool due;
};

struct evl_defer {
    evl_defer_cb cb;
    void *data;
    /* Private. */
    struct evl_defer *next;
    unsigned long stamp;
    bool queued;
};

struct evl_loop {
    /* Private. */
    struct evl_io *pending_head, *pending_tail; /* ready (or possibly ready) watchers */
    struct evl_timer *due_head, *due_tail;      /* timers past their deadline */
    struct evl_timer *all_head, *all_tail;      /* every active timer */
    struct evl_defer *defer_head, *defer_tail;
    unsigned long watchers, timers; /* active */
    unsigned long iterations;
    unsigned long stamp; /* counts the steps that run queued callbacks */
    bool stop;
};

/* Sets up a loop (the library itself is set up if needed). 0, or -1 with errno. */
int evl_init(struct evl_loop *loop);
/* Stops every watcher and timer of the loop and drops its deferred callbacks. */
void evl_fini(struct evl_loop *loop);

/* Watches fd for events (the descriptor is registered in the set if it was not). Closing
 * fd stops the watcher. -1 with errno EBADF (fd not open), EBUSY (fd has another
 * watcher), EAGAIN (the set is full). */
int evl_io_start(struct evl_loop *loop, struct evl_io *io, int fd, short events, evl_io_cb cb,
                 void *data);
/* Changes the interest of a started watcher. */
void evl_io_set_events(struct evl_io *io, short events);
void evl_io_stop(struct evl_io *io);

/* Fires after `after_ns`, then every `repeat_ns` if non-zero. -1 with errno ENOTSUP when
 * the process has no timer service. */
int evl_timer_start(struct evl_loop *loop, struct evl_timer *t, uint64_t after_ns,
                    uint64_t repeat_ns, evl_timer_cb cb, void *data);
void evl_timer_stop(struct evl_timer *t);
static inline bool evl_timer_active(const struct evl_timer *t)
{
    return t->loop != 0;
}

/* Runs cb once at the start of the next iteration (no-op if d is already queued). */
void evl_defer(struct evl_loop *loop, struct evl_defer *d, evl_defer_cb cb, void *data);

/* Runs iterations until evl_stop or nothing is left. 0, or -1 with errno if waiting fails. */
int evl_run(struct evl_loop *loop);
/* Runs one iteration; blocks in step 1 only if `block`. Returns the callbacks it ran, or
 * -1 with errno. */
int evl_run_once(struct evl_loop *loop, bool block);
void evl_stop(struct evl_loop *loop);

#endif

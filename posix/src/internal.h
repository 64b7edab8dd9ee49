/*
 * posix/ internals: descriptor objects, the per-process state, and the functions the
 * modules share. Layout:
 *
 *   core.c     per-process state, the notification set: registration, waiting, dispatch
 *   fd.c       the descriptor table; read, write, close, fcntl; the console descriptors
 *   channel.c  channels and pipes (ring in a shared frame); channel_give.c moves an end
 *   eventfd.c  event counters             timer.c    the timer service, clock_gettime
 *   timerfd.c  timer descriptors          poll.c     poll     select.c   select
 *   evloop.c   the event loop
 */
#ifndef POSIX_INTERNAL_H
#define POSIX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <poll.h>
#include <notifyset.h>
#include <posix/posix.h>

struct posix_object;
struct evl_io;

/* What each kind of descriptor does. read and write never block: they return the bytes
 * moved, or -errno (-EAGAIN when the caller would have to wait; they then arm the wake-up
 * as ready() does). ready returns the POLL* conditions that hold now (POLLHUP, POLLERR are
 * returned whatever `events`); with `arm` it also makes sure that the object's
 * notification is signalled when a condition of `events` that does not hold becomes true.
 * Callers of ready issue posix_fence() first (once for a batch of calls): it orders the
 * caller's earlier updates of shared state before the loads that ready makes, which the
 * wake-up protocols of channels rely on (channel.c). */
struct posix_ops {
    const char *name;
    ssize_t (*read)(struct posix_object *o, void *buf, size_t n);
    ssize_t (*write)(struct posix_object *o, const void *buf, size_t n);
    short (*ready)(struct posix_object *o, short events, bool arm);
    /* Releases the object's resources (the table slot and registration are already gone)
     * and frees o. */
    void (*close)(struct posix_object *o);
};

/* One open descriptor. Fields are used by one thread (the library is not thread-safe). */
struct posix_object {
    const struct posix_ops *ops;
    int fd;
    uint32_t serial; /* distinguishes objects that held the same fd (stale set events) */
    int flags;       /* O_NONBLOCK and the access mode */
    seL4_CPtr ntfn;  /* signalled when the object may have become ready; 0: none */
    bool uses_timer; /* woken by the timer service (timer descriptors) */

    /* Registration in the process's set (core.c). */
    bool registered;
    seL4_Word token;

    /* poll.c: the call that last saw this object, and where in its array. */
    uint64_t poll_gen, woken_gen;
    size_t poll_slot;
    struct posix_object *next_woken;

    struct evl_io *watcher; /* evloop.c */
};

/* ---- core.c ---- */

struct posix_state {
    bool initialised, child;
    ns_set_t *set;
    struct posix_stats stats;
};

/* The process state, set up with defaults on first use. NULL (errno set) if that failed. */
struct posix_state *posix_state(void);
/* Registers o's notification in the set (once; kept until close). -1 with errno EAGAIN
 * (set full), ENOTSUP (no set). */
int posix_register(struct posix_object *o);
void posix_unregister(struct posix_object *o);
/* Waits for set events (blocking or not) and dispatches them: each woken object goes to
 * posix_woken, the timer's interrupt to the timer service. Returns the events handled, or
 * -1 with errno. */
int posix_wait_set(bool block);
/* Blocks until o may have changed state (o registered: through the set; else on its
 * notification). */
int posix_block(struct posix_object *o);
/* o may have become ready: tell its watcher and the poll call in progress. */
void posix_woken(struct posix_object *o);
/* The seL4 error of a libnotifyset call as an errno value. */
int posix_errno_of(int ns_error);

/* ---- fd.c ---- */

#define POSIX_FD_CHUNK_BITS 8
#define POSIX_FD_CHUNK      (1 << POSIX_FD_CHUNK_BITS)

struct posix_fd_table {
    struct posix_object **chunk[POSIX_OPEN_MAX / POSIX_FD_CHUNK];
    int limit; /* highest descriptor ever used + 1 */
    int hint;  /* no free descriptor below this */
    uint32_t serial;
    bool console_done; /* descriptors 0..2 were opened */
};

extern struct posix_fd_table posix_fd_table;

/* Opens descriptors 0..2 on the console (posix_state's set-up does it first). */
void posix_fd_open_console(void);

/* posix_fd_get for hot paths (poll's scan), once posix_state() has run. */
static inline struct posix_object *posix_fd_lookup(int fd)
{
    if ((unsigned)fd >= (unsigned)posix_fd_table.limit)
        return NULL;
    struct posix_object **c = posix_fd_table.chunk[fd >> POSIX_FD_CHUNK_BITS];
    return c ? c[fd & (POSIX_FD_CHUNK - 1)] : NULL;
}

/* Installs o (ops, flags, ntfn set by the caller) at the lowest free descriptor. Returns
 * it, or -1 with errno EMFILE / ENOMEM (o is not freed). */
int posix_fd_install(struct posix_object *o);
/* The object at fd, or NULL. */
struct posix_object *posix_fd_get(int fd);
/* The object a set event's user pointer names, or NULL if it was closed since. */
struct posix_object *posix_fd_from_cookie(void *cookie);
void *posix_fd_cookie(const struct posix_object *o);
/* Takes o out of the table, its watcher and the set, without closing it. */
void posix_fd_detach(struct posix_object *o);
/* Closes every descriptor (posix_fini); the console descriptors reopen on next use. */
void posix_fd_close_all(void);
/* Table size (highest fd + 1 ever used). */
int posix_fd_limit(void);

/* ---- timer.c ---- */

int posix_timer_init(seL4_CPtr *ntfn);
void posix_timer_fini(void);
bool posix_timer_available(void);
/* The timer interrupt arrived: fires due timers, reprograms, acknowledges. */
void posix_timer_irq(void);
extern const void *const posix_timer_cookie;

/* ---- poll.c ---- */

/* Poll core shared with select: fds[i].revents filled; returns the count or -1.
 * timeout_ns < 0: no limit. */
int posix_poll(struct pollfd *fds, size_t nfds, int64_t timeout_ns);
/* o was woken while a poll call waits: queue it for that call's re-check. */
void posix_poll_woken(struct posix_object *o);

/* ---- evloop.c ---- */

void evl_io_woken(struct evl_io *io);
void evl_io_closed(struct evl_io *io);

/* ---- Memory barriers for the shared rings (C11 fences). ---- */
#define posix_fence() __atomic_thread_fence(__ATOMIC_SEQ_CST)

#endif

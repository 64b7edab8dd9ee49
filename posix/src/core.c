/*
 * The per-process state of posix/: the notification set every waiting call shares, the
 * registration of descriptors in it, and the dispatch of what a wait returns.
 *
 * Registration is lazy and cached: a descriptor's notification is added to the set the
 * first time something waits on it (poll, select, evl_io_start, a blocking read or write
 * of a registered descriptor) and stays until close. The set reports (user pointer, badge)
 * per signalled member; the user pointer is a cookie (descriptor number and serial), never
 * a pointer, so an event that libnotifyset reports after the descriptor was closed (its
 * documented behaviour for signals that raced with ns_remove) is recognised and dropped.
 *
 *   ns_wait ──> cookie ──> posix_fd_from_cookie ──> posix_woken(o) ──> o->watcher (evloop)
 *                  │                                       └──────> poll call waiting
 *                  └── timer cookie ──> posix_timer_irq: due timers fire (timerfd, evloop,
 *                                        poll timeouts), CNTV reprogrammed, IRQ acked
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <runtime.h>
#include <posix/channel.h>
#include "internal.h"

#define WAIT_BATCH 32 /* events per ns_wait (libnotifyset allows 1..60) */

static struct posix_state state;

int posix_errno_of(int ns_error)
{
    switch (-ns_error) {
    case seL4_NotEnoughMemory:
        return ENOMEM;
    case seL4_IllegalOperation:
        return ENOTSUP;
    case seL4_InvalidArgument:
    case seL4_RangeError:
        return EINVAL;
    case seL4_InvalidCapability:
        return EBADF;
    default:
        return EIO;
    }
}

/* Makes the set and (unless cfg says not to, or the interrupt is taken) the timer
 * service. A child process gets neither: it has no allocators. */
static int setup(const struct posix_config *cfg)
{
    static const struct posix_config defaults = {.backend = NS_BACKEND_BEST};
    if (!cfg)
        cfg = &defaults;
    memset(&state, 0, sizeof(state));
    if (!posix_fd_table.console_done)
        posix_fd_open_console();
    state.child = rt_bootinfo() == NULL;
    if (state.child) {
        /* A process that exits closes its descriptors, so its peers see the hang-up. */
        atexit(posix_fd_close_all);
        state.initialised = true;
        return 0;
    }
    struct ns_config nc = {
        .backend = cfg->backend,
        .capacity = (cfg->capacity ? cfg->capacity : POSIX_CAPACITY) + 1, /* + the timer */
        .variant = cfg->variant,
        .waiter_priority = cfg->waiter_priority,
    };
    int err = ns_set_create(&state.set, &nc);
    if (err < 0) {
        state.set = NULL;
        errno = posix_errno_of(err);
        return -1;
    }
    seL4_CPtr timer_ntfn;
    if (!cfg->no_timer && posix_timer_init(&timer_ntfn) == 0) {
        seL4_Word token;
        if (ns_add(state.set, timer_ntfn, (void *)posix_timer_cookie, &token) < 0)
            posix_timer_fini();
    }
    state.initialised = true;
    return 0;
}

int posix_init(const struct posix_config *cfg)
{
    if (state.initialised) {
        errno = EBUSY;
        return -1;
    }
    return setup(cfg);
}

struct posix_state *posix_state(void)
{
    if (!state.initialised && setup(NULL) < 0)
        return NULL;
    return &state;
}

void posix_fini(void)
{
    if (!state.initialised)
        return;
    posix_fd_close_all();
    posix_reap(true);
    /* The set first: its members (the timer's notification) must not be deleted under a
     * fallback helper thread that waits on them. */
    if (state.set)
        ns_set_destroy(state.set);
    posix_timer_fini();
    memset(&state, 0, sizeof(state));
}

int posix_backend(void)
{
    struct posix_state *st = posix_state();
    return st && st->set ? (int)ns_set_backend(st->set) : -1;
}

ns_set_t *posix_set(void)
{
    struct posix_state *st = posix_state();
    return st ? st->set : NULL;
}

bool posix_has_timer(void)
{
    return posix_state() && posix_timer_available();
}

void posix_get_stats(struct posix_stats *s)
{
    *s = state.stats;
}

int posix_register(struct posix_object *o)
{
    if (o->registered || !o->ntfn)
        return 0;
    if (!state.set) {
        errno = ENOTSUP;
        return -1;
    }
    int err = ns_add(state.set, o->ntfn, posix_fd_cookie(o), &o->token);
    if (err < 0) {
        errno = err == -seL4_NotEnoughMemory ? EAGAIN : posix_errno_of(err);
        return -1;
    }
    o->registered = true;
    state.stats.registered++;
    return 0;
}

void posix_unregister(struct posix_object *o)
{
    if (!o->registered)
        return;
    ns_remove(state.set, o->token);
    o->registered = false;
    state.stats.registered--;
}

/*
 * One ns_wait (block) or ns_poll, and the dispatch of its events. Blocks the calling thread
 * when `block` and no member is pending. The timer's interrupt is handled after the other
 * events so that every timer due by then fires in this call.
 */
int posix_wait_set(bool block)
{
    struct ns_event ev[WAIT_BATCH];
    int n = block ? ns_wait(state.set, ev, WAIT_BATCH) : ns_poll(state.set, ev, WAIT_BATCH);
    if (n < 0) {
        errno = posix_errno_of(n);
        return -1;
    }
    state.stats.waits += block;
    state.stats.events += (unsigned long)n;
    bool timer = false;
    for (int i = 0; i < n; i++) {
        if (ev[i].user == posix_timer_cookie) {
            timer = true;
            continue;
        }
        struct posix_object *o = posix_fd_from_cookie(ev[i].user);
        if (o)
            posix_woken(o);
        else
            state.stats.stale++;
    }
    if (timer) {
        state.stats.timer_irqs++;
        posix_timer_irq();
    }
    return n;
}

/* Waits until o may have changed: through the set when o is registered (or is driven by
 * the timer service, whose interrupt is a member), else on o's own notification. */
int posix_block(struct posix_object *o)
{
    if (o->registered || (o->uses_timer && state.set))
        return posix_wait_set(true) < 0 ? -1 : 0;
    if (o->ntfn) {
        seL4_Wait(o->ntfn, NULL);
        return 0;
    }
    errno = ENOTSUP;
    return -1;
}

void posix_woken(struct posix_object *o)
{
    if (o->watcher)
        evl_io_woken(o->watcher);
    posix_poll_woken(o);
}

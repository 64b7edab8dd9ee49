/*
 * The timer service: a min-heap of deadlines on the EL1 virtual timer (PPI 27).
 *
 * EL0 reads CNTVCT_EL0 and programs CNTV_CVAL_EL0 / CNTV_CTL_EL0 itself (the kernel
 * enables that in CNTKCTL_EL1). The interrupt goes to a notification through an
 * IRQHandler cap, and that notification is a member of the process's set (core.c), so a
 * thread that waits on the set also waits for the earliest deadline:
 *
 *   start(t) ──> heap ──> top changed? ──> CNTV_CVAL = top deadline, CNTV_CTL = enable
 *   interrupt ──> kernel masks it, signals the notification ──> set event ──> timer_irq:
 *       fire every timer whose deadline has passed (each leaves the heap first), program
 *       the next deadline or disable the timer (the interrupt is level-triggered: the
 *       condition must be gone before the Ack), then IRQHandler_Ack unmasks it.
 *
 * Deadlines are compared with (deadline, start sequence) so that equal deadlines fire in
 * the order they were started. The heap is an array of pointers to the callers' entries.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <rt/rt.h>
#include <posix/timer.h>
#include "internal.h"

#define VTIMER_IRQ 27
#define CTL_ENABLE 1u
#define CTL_IMASK  2u

static const char timer_cookie_byte;
const void *const posix_timer_cookie = &timer_cookie_byte;

static struct {
    bool ready;
    seL4_CPtr handler;
    struct rt_object ntfn;
    struct posix_timer **heap;
    size_t n, cap;
    uint64_t seq;
    uint64_t programmed; /* CNTV_CVAL while enabled; UINT64_MAX when disabled */
} svc;

/* ---- The counter ---- */

uint64_t posix_clock_ticks(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v));
    return v;
}

static uint64_t clock_freq(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

uint64_t posix_ticks_from_ns(uint64_t ns)
{
    uint64_t f = clock_freq();
    return ns / 1000000000u * f + (ns % 1000000000u) * f / 1000000000u;
}

uint64_t posix_ns_from_ticks(uint64_t ticks)
{
    uint64_t f = clock_freq();
    return ticks / f * 1000000000u + (ticks % f) * 1000000000u / f;
}

/* CLOCK_MONOTONIC (and CLOCK_REALTIME, which here also counts from boot). */
int clock_gettime(clockid_t id, struct timespec *ts)
{
    if (id != CLOCK_MONOTONIC && id != CLOCK_REALTIME) {
        errno = EINVAL;
        return -1;
    }
    uint64_t ns = posix_ns_from_ticks(posix_clock_ticks());
    ts->tv_sec = (time_t)(ns / 1000000000u);
    ts->tv_nsec = (long)(ns % 1000000000u);
    return 0;
}

/* ---- The heap ---- */

static bool earlier(const struct posix_timer *a, const struct posix_timer *b)
{
    return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static void place(size_t i, struct posix_timer *t)
{
    svc.heap[i] = t;
    t->index = i + 1;
}

static void sift_up(size_t i)
{
    struct posix_timer *t = svc.heap[i];
    while (i > 0 && earlier(t, svc.heap[(i - 1) / 2])) {
        place(i, svc.heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    place(i, t);
}

static void sift_down(size_t i)
{
    struct posix_timer *t = svc.heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= svc.n)
            break;
        if (c + 1 < svc.n && earlier(svc.heap[c + 1], svc.heap[c]))
            c++;
        if (!earlier(svc.heap[c], t))
            break;
        place(i, svc.heap[c]);
        i = c;
    }
    place(i, t);
}

/* Programs the virtual timer for the heap's top, or disables it. */
static void program(void)
{
    uint64_t cval = svc.n ? svc.heap[0]->deadline : UINT64_MAX;
    if (cval == svc.programmed)
        return;
    svc.programmed = cval;
    if (cval == UINT64_MAX) {
        __asm__ volatile("msr cntv_ctl_el0, %0\n\tisb" ::"r"((uint64_t)CTL_IMASK));
        return;
    }
    __asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(cval),
                     "r"((uint64_t)CTL_ENABLE));
}

int posix_timer_start(struct posix_timer *t, uint64_t deadline)
{
    if (!svc.ready) {
        errno = ENOTSUP;
        return -1;
    }
    posix_timer_stop(t); /* restarting a queued timer */
    if (svc.n == svc.cap) {
        size_t cap = svc.cap ? 2 * svc.cap : 64;
        struct posix_timer **h = realloc(svc.heap, cap * sizeof(*h));
        if (!h) {
            errno = ENOMEM;
            return -1;
        }
        svc.heap = h;
        svc.cap = cap;
    }
    t->deadline = deadline;
    t->seq = svc.seq++;
    svc.heap[svc.n] = t;
    sift_up(svc.n++);
    if (t->index == 1)
        program();
    return 0;
}

void posix_timer_stop(struct posix_timer *t)
{
    if (!t->index)
        return;
    size_t i = t->index - 1;
    t->index = 0;
    struct posix_timer *last = svc.heap[--svc.n];
    if (i < svc.n) {
        place(i, last);
        sift_up(i);
        sift_down(last->index - 1);
    }
    if (i == 0)
        program();
}

void posix_timer_run(uint64_t now)
{
    while (svc.n && svc.heap[0]->deadline <= now) {
        struct posix_timer *t = svc.heap[0];
        posix_timer_stop(t);
        t->fire(t, now);
    }
    program();
}

uint64_t posix_timer_next(void)
{
    return svc.n ? svc.heap[0]->deadline : UINT64_MAX;
}

void posix_timer_irq(void)
{
    posix_timer_run(posix_clock_ticks());
    seL4_IRQHandler_Ack(svc.handler);
}

bool posix_timer_available(void)
{
    return svc.ready;
}

/* ---- Set-up ---- */

/* Takes PPI 27 and a notification for it. Root task only. -1 with errno ENOTSUP (not the
 * root task, or the interrupt is taken), ENOMEM. */
int posix_timer_init(seL4_CPtr *ntfn)
{
    if (svc.ready || !rt_bootinfo()) {
        errno = ENOTSUP;
        return -1;
    }
    if (rt_cspace_alloc(&svc.handler) != seL4_NoError) {
        errno = ENOMEM;
        return -1;
    }
    if (seL4_IRQControl_Get(seL4_CapIRQControl, VTIMER_IRQ, rt_cspace_root(), svc.handler,
                            RT_CSPACE_DEPTH) != seL4_NoError) {
        rt_cspace_free(svc.handler);
        errno = ENOTSUP;
        return -1;
    }
    if (rt_object_alloc(seL4_NotificationObject, 0, &svc.ntfn) != seL4_NoError ||
        seL4_IRQHandler_SetNotification(svc.handler, svc.ntfn.cap) != seL4_NoError) {
        svc.ready = true;
        posix_timer_fini();
        errno = ENOMEM;
        return -1;
    }
    svc.programmed = 0;
    program(); /* disabled until something is started */
    seL4_IRQHandler_Ack(svc.handler);
    svc.ready = true;
    *ntfn = svc.ntfn.cap;
    return 0;
}

void posix_timer_fini(void)
{
    if (!svc.ready)
        return;
    __asm__ volatile("msr cntv_ctl_el0, %0\n\tisb" ::"r"((uint64_t)CTL_IMASK));
    rt_cspace_delete(svc.handler);
    rt_cspace_free(svc.handler);
    if (svc.ntfn.cap)
        rt_object_free(&svc.ntfn);
    for (size_t i = 0; i < svc.n; i++)
        svc.heap[i]->index = 0;
    free(svc.heap);
    svc = (typeof(svc)){0};
}

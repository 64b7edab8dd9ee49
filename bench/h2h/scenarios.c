/*
 * The scenarios of the head-to-head benchmark (docs/benchmarks.md):
 *   wake      one of N members signalled by another thread, the waiter at higher priority:
 *             instructions from the signaller's last instruction before seL4_Signal to the
 *             waiter's first after its wait returned with the right token
 *   burst     K of N members signalled, then drained with batch 1 or 64: per event
 *   setup_*   adding N members, removing them, creating + filling + destroying a set
 *   teardown  destroying a set of N members: the longest kernel entry
 *   irq       an interrupt-driven member (the EL1 virtual timer) among N idle ones
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "h2h.h"
#include <rt/cspace.h>
#include <rt/process.h>
#include <rt/thread.h>
#include <rt/untyped.h>
#include <rt/vspace.h>

extern const char embedded_bench_h2h_signaller[], embedded_bench_h2h_signaller_end[];

#define ITERS  200
#define WARMUP 20
/* Work per event of an O(N) backend (the poll loop) grows with N: fewer iterations there
 * keep the sweep's time bounded (the figure is a mean either way). */
#define SCAN_BUDGET (200 * 64)

static int iterations(const struct h2h_backend *b, size_t n)
{
    if (b->can_block || n <= 64)
        return ITERS;
    int it = (int)(SCAN_BUDGET / n);
    return it < 5 ? 5 : it;
}

static volatile seL4_Word woke_at, woke_token, woke_count, stop_waiter;
static seL4_Word read_pair = 2; /* two back-to-back counter reads */

void h2h_begin(struct h2h_counters *c)
{
    seL4_BenchmarkResetCounters();
    c->instr = seL4_BenchmarkReadCycles();
}

void h2h_end(struct h2h_counters *c)
{
    seL4_Word now = seL4_BenchmarkReadCycles();
    seL4_BenchmarkCounters k;
    seL4_BenchmarkGetCounters(&k);
    c->instr = now - c->instr;
    c->kentries = k.kernel_entries;
    c->cswitches = k.context_switches;
    c->max_kentry = k.max_entry_cycles;
}

/* Builds the notifications and the watch; bytes per member is the untyped memory the
 * watch took (the notifications themselves excluded). */
static int open_set(struct h2h_set *s, const struct h2h_backend *b, size_t n, bool fill,
                    double *bytes_per_member)
{
    memset(s, 0, sizeof(*s));
    s->backend = b;
    int err = h2h_make_notifications(s, n);
    if (err)
        return err;
    seL4_Word before = rt_untyped_free_bytes();
    if ((err = b->create(s)))
        return err;
    for (size_t i = 0; fill && b->has_members && i < n; i++) {
        if ((err = b->add(s, i)))
            return err;
    }
    if (bytes_per_member)
        *bytes_per_member = (double)(before - rt_untyped_free_bytes()) / (double)n;
    return 0;
}

static void close_set(struct h2h_set *s)
{
    if (s->backend)
        s->backend->destroy(s);
    h2h_free_notifications(s);
}

/* The waiting thread of wake and irq: waits one event at a time until told to stop. */
static void *waiter(void *arg)
{
    struct h2h_set *s = arg;
    struct h2h_event ev;
    for (;;) {
        int n = s->backend->wait(s, &ev, 1, true);
        woke_at = seL4_BenchmarkReadCycles();
        if (stop_waiter)
            return NULL;
        if (n > 0) {
            woke_token = ev.token;
            woke_count++;
        }
    }
}

static int start_waiter(struct rt_thread *t, struct h2h_set *s)
{
    struct rt_thread_config cfg = {
        .priority = H2H_WAITER_PRIO, .stack_size = 16384, .name = "h2h_waiter"};
    stop_waiter = 0;
    woke_count = 0;
    return rt_thread_create(t, waiter, s, &cfg);
}

/* Wakes the waiter one last time to make it return, then reclaims it. */
static void stop(struct rt_thread *t, struct h2h_set *s, size_t member)
{
    stop_waiter = 1;
    seL4_Signal(s->signal_caps[member]);
    rt_thread_join(t);
    rt_thread_destroy(t);
}

static void fail(const char *scenario, const struct h2h_backend *b, size_t n, int err)
{
    char why[64];
    snprintf(why, sizeof(why), "error %d", err);
    h2h_skip(scenario, b->name, n, why);
}

void h2h_wake(const struct h2h_backend *b, size_t n)
{
    struct h2h_set s;
    double bytes = 0;
    h2h_waiter_prio = H2H_WAITER_PRIO;
    int err = open_set(&s, b, n, true, &bytes);
    if (err) {
        fail("wake", b, n, err);
        close_set(&s);
        return;
    }
    size_t target = n - 1;
    struct h2h_counters c;
    seL4_Word sum = 0;
    bool right = true;
    int iters = iterations(b, n);

    if (b->can_block) {
        struct rt_thread t;
        if ((err = start_waiter(&t, &s))) {
            fail("wake", b, n, err);
            close_set(&s);
            return;
        }
        for (int i = 0; i < WARMUP; i++)
            seL4_Signal(s.signal_caps[target]);
        h2h_begin(&c);
        for (int i = 0; i < ITERS; i++) {
            seL4_Word before = seL4_BenchmarkReadCycles();
            seL4_Signal(s.signal_caps[target]);
            sum += woke_at - before - read_pair;
            right &= woke_token == target;
        }
        h2h_end(&c);
        stop(&t, &s, target);
    } else {
        /* No thread can block on a poll loop: the signaller scans until it finds it. */
        struct h2h_event ev[1];
        h2h_begin(&c);
        for (int i = 0; i < iters; i++) {
            seL4_Word before = seL4_BenchmarkReadCycles();
            seL4_Signal(s.signal_caps[target]);
            b->wait(&s, ev, 1, true);
            sum += seL4_BenchmarkReadCycles() - before - read_pair;
            right &= ev[0].token == target;
        }
        h2h_end(&c);
    }
    if (!right)
        printf("# warning: wake %s n=%zu: a wait returned the wrong token\n", b->name, n);
    struct h2h_row r = {"wake",      b->name,      n,    1, 1, (size_t)iters, sum, c.kentries,
                        c.cswitches, c.max_kentry, bytes};
    h2h_print(&r);
    close_set(&s);
}

/* The signaller of wake_xas: a child process between the root task and the waiter in
 * priority; it reads the counter into the shared page just before its seL4_Signal. */
#define XAS_PRIO 120

struct xas {
    struct rt_process proc;
    struct rt_object go;
    volatile seL4_Word *shared;
};

static int xas_start(struct xas *x, seL4_CPtr target)
{
    int err = rt_object_alloc(seL4_NotificationObject, 0, &x->go);
    if (err)
        return err;
    seL4_CPtr caps[2] = {x->go.cap, target};
    struct rt_process_config cfg = {
        .priority = XAS_PRIO, .caps = caps, .num_caps = 2, .name = "h2h_signaller"};
    size_t size = (size_t)(embedded_bench_h2h_signaller_end - embedded_bench_h2h_signaller);
    if ((err = rt_process_create(&x->proc, embedded_bench_h2h_signaller, size, &cfg)))
        return err;
    struct rt_map_request req = {.size = 4096,
                                 .page_bits = seL4_PageBits,
                                 .rights = seL4_ReadWrite,
                                 .attr = seL4_ARM_Default_VMAttributes};
    seL4_Word page, child;
    if ((err = rt_vspace_map_new(rt_vspace_self(), &req, &page)) ||
        (err = rt_process_share(&x->proc, page, seL4_ReadWrite, &child)))
        return err;
    x->shared = (volatile seL4_Word *)page;
    rt_process_info(&x->proc)->words[0] = child;
    return rt_process_start(&x->proc);
}

static void xas_stop(struct xas *x)
{
    rt_process_destroy(&x->proc);
    rt_object_free(&x->go);
    rt_vspace_unmap(rt_vspace_self(), (seL4_Word)x->shared);
}

/* wake with the signaller in another address space (same measurement as wake). */
void h2h_wake_xas(const struct h2h_backend *b, size_t n)
{
    if (!b->can_block) {
        h2h_skip("wake_xas", b->name, n, "no thread can block on it");
        return;
    }
    struct h2h_set s;
    double bytes = 0;
    h2h_waiter_prio = H2H_WAITER_PRIO;
    int err = open_set(&s, b, n, true, &bytes);
    struct rt_thread t;
    struct xas x = {0};
    size_t target = n - 1;
    if (!err)
        err = start_waiter(&t, &s);
    if (!err)
        err = xas_start(&x, s.signal_caps[target]);
    if (err) {
        fail("wake_xas", b, n, err);
        close_set(&s);
        return;
    }
    for (int i = 0; i < WARMUP; i++)
        seL4_Signal(x.go.cap);
    struct h2h_counters c;
    seL4_Word sum = 0;
    bool right = true;
    h2h_begin(&c);
    for (int i = 0; i < ITERS; i++) {
        seL4_Signal(x.go.cap);
        sum += woke_at - x.shared[0] - read_pair;
        right &= woke_token == target;
    }
    h2h_end(&c);
    xas_stop(&x);
    stop(&t, &s, target);
    if (!right)
        printf("# warning: wake_xas %s n=%zu: a wait returned the wrong token\n", b->name, n);
    /* Counters include the go signal to the child and its return to Wait. */
    struct h2h_row r = {"wake_xas",  b->name,      n,    1, 1, ITERS, sum, c.kentries,
                        c.cswitches, c.max_kentry, bytes};
    h2h_print(&r);
    close_set(&s);
}

void h2h_burst(const struct h2h_backend *b, size_t n)
{
    if (!b->can_block && n > 4096) {
        /* K scans of N polls per round: past 4,096 the sweep would take hours. */
        h2h_skip("burst", b->name, n, "O(K x N) polls per round; measured up to N=4096");
        return;
    }
    static const size_t ks[] = {1, 8, 64, 512};
    static const size_t batches[] = {1, H2H_MAX_BATCH};
    struct h2h_set s;
    double bytes = 0;
    h2h_waiter_prio = H2H_ROOT_PRIO;
    int err = open_set(&s, b, n, true, &bytes);
    if (err) {
        fail("burst", b, n, err);
        close_set(&s);
        return;
    }
    struct h2h_event ev[H2H_MAX_BATCH];
    const int rounds = 10;
    for (size_t ki = 0; ki < sizeof(ks) / sizeof(ks[0]) && ks[ki] <= n; ki++) {
        size_t k = ks[ki], stride = n / k;
        for (size_t bi = 0; bi < 2; bi++) {
            size_t batch = batches[bi];
            struct h2h_counters total = {0, 0, 0, 0}, c;
            size_t got = 0;
            for (int round = 0; round < rounds; round++) {
                for (size_t i = 0; i < k; i++)
                    seL4_Signal(s.signal_caps[i * stride]);
                h2h_begin(&c);
                size_t drained = 0;
                while (drained < k) {
                    int m = b->wait(&s, ev, batch, true);
                    if (m < 0)
                        break;
                    drained += (size_t)m;
                }
                h2h_end(&c);
                got += drained;
                total.instr += c.instr;
                total.kentries += c.kentries;
                total.cswitches += c.cswitches;
                if (c.max_kentry > total.max_kentry)
                    total.max_kentry = c.max_kentry;
            }
            struct h2h_row r = {
                "burst",         b->name,          n,    k, batch, got, total.instr, total.kentries,
                total.cswitches, total.max_kentry, bytes};
            h2h_print(&r);
        }
    }
    close_set(&s);
}

void h2h_setup(const struct h2h_backend *b, size_t n)
{
    struct h2h_set s;
    double bytes = 0;
    h2h_waiter_prio = H2H_ROOT_PRIO;
    int err = open_set(&s, b, n, false, &bytes);
    struct h2h_counters c;
    if (!err) {
        h2h_begin(&c);
        for (size_t i = 0; i < n && !err; i++)
            err = b->add(&s, i);
        h2h_end(&c);
    }
    if (err) {
        fail("setup_add", b, n, err);
        close_set(&s);
        return;
    }
    struct h2h_row add = {"setup_add", b->name,      n,    0, 0, n, c.instr, c.kentries,
                          c.cswitches, c.max_kentry, bytes};
    h2h_print(&add);
    h2h_begin(&c);
    for (size_t i = 0; i < n && !err; i++)
        err = b->remove(&s, i);
    h2h_end(&c);
    struct h2h_row rem = {"setup_remove", b->name,      n,    0, 0, n, c.instr, c.kentries,
                          c.cswitches,    c.max_kentry, bytes};
    h2h_print(&rem);
    b->destroy(&s);
    s.backend = NULL;

    /* Create, fill and destroy a whole set. */
    h2h_begin(&c);
    err = b->create(&s);
    for (size_t i = 0; i < n && !err; i++)
        err = b->add(&s, i);
    if (!err)
        b->destroy(&s);
    h2h_end(&c);
    if (err) {
        fail("setup_create_destroy", b, n, err);
    } else {
        struct h2h_row cd = {
            "setup_create_destroy", b->name, n, 0, 0, n, c.instr, c.kentries, c.cswitches,
            c.max_kentry,           bytes};
        h2h_print(&cd);
    }
    h2h_free_notifications(&s);
}

void h2h_teardown(const struct h2h_backend *b, size_t n)
{
    struct h2h_set s;
    double bytes = 0;
    h2h_waiter_prio = H2H_ROOT_PRIO;
    int err = open_set(&s, b, n, true, &bytes);
    if (err) {
        fail("teardown", b, n, err);
        close_set(&s);
        return;
    }
    /* Some members pending, as a server's set would have at exit. */
    for (size_t i = 0; i < n; i += 7)
        seL4_Signal(s.signal_caps[i]);
    struct h2h_counters c;
    h2h_begin(&c);
    b->destroy(&s);
    h2h_end(&c);
    s.backend = NULL;
    struct h2h_row r = {"teardown",  b->name,      n,    0, 0, n, c.instr, c.kentries,
                        c.cswitches, c.max_kentry, bytes};
    h2h_print(&r);
    h2h_free_notifications(&s);
}

/* ---- irq: the EL1 virtual timer signals member n-1 ---- */

static volatile seL4_Word spin_last;
static seL4_CPtr vtimer_handler;

static inline void vtimer_arm(seL4_Word delta)
{
    seL4_Word now;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(now));
    __asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb" ::"r"(now + delta),
                     "r"((seL4_Word)1));
}

static inline void vtimer_off(void)
{
    __asm__ volatile("msr cntv_ctl_el0, %0; isb" ::"r"((seL4_Word)0));
}

void h2h_irq(const struct h2h_backend *b, size_t n)
{
    if (!b->can_block) {
        h2h_skip("irq", b->name, n, "no thread can block on it");
        return;
    }
    if (!vtimer_handler) {
        int err = rt_cspace_alloc(&vtimer_handler);
        if (!err)
            err = seL4_IRQControl_Get(seL4_CapIRQControl, 27, seL4_CapInitThreadCNode,
                                      vtimer_handler, 64);
        if (err) {
            fail("irq", b, n, err);
            vtimer_handler = 0;
            return;
        }
    }
    struct h2h_set s;
    double bytes = 0;
    h2h_waiter_prio = H2H_WAITER_PRIO;
    int err = open_set(&s, b, n, true, &bytes);
    struct rt_thread t;
    if (!err)
        err = seL4_IRQHandler_SetNotification(vtimer_handler, s.signal_caps[n - 1]);
    if (!err)
        err = start_waiter(&t, &s);
    if (err) {
        fail("irq", b, n, err);
        close_set(&s);
        return;
    }
    const int rounds = 50;
    seL4_Word sum = 0;
    struct h2h_counters c;
    h2h_begin(&c);
    for (int i = 0; i < rounds; i++) {
        seL4_Word count = woke_count;
        vtimer_arm(200); /* 3.2 us at 62.5 MHz */
        /* Read first, then look: a value read after the wake is never stored. */
        for (;;) {
            seL4_Word now = seL4_BenchmarkReadCycles();
            if (woke_count != count)
                break;
            spin_last = now;
        }
        sum += woke_at - spin_last;
        vtimer_off();
        seL4_IRQHandler_Ack(vtimer_handler);
    }
    h2h_end(&c);
    stop(&t, &s, n - 1);
    seL4_IRQHandler_Clear(vtimer_handler);
    struct h2h_row r = {"irq",       b->name,      n,    1, 1, (size_t)rounds, sum, c.kentries,
                        c.cswitches, c.max_kentry, bytes};
    h2h_print(&r);
    close_set(&s);
}

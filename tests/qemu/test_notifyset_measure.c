/*
 * Measures the libnotifyset backends and fallback variants on the kernels with counters
 * (kernel_bench, kernel_patched_bench) under QEMU -icount shift=0, where PMCCNTR_EL0
 * counts executed instructions exactly: the figures that chose the fallback's default
 * (userspace-fallback/README.md). Not a timed test: it prints rows and checks only that
 * every event arrived.
 *
 *   nsmeasure,<config>,<scenario>,<events>,<instr_per_event>,<kentries_per_event>,
 *             <switches_per_event>
 *
 *   wake   a thread at priority 100 blocks in ns_wait on a set of 64 members; a thread at
 *          priority 50 signals one member; instructions from the signaller's last one
 *          before the Signal to the waiter's first after ns_wait returns (one way); the
 *          counters cover the whole round, the waiter's return to ns_wait included
 *   wake_round  the same rounds, from the Signal until the signaller runs again (every
 *          other thread has gone back to waiting): the whole cost of one event
 *   burst  a thread at priority 150 signals 16 members in a row, then blocks; the waiter
 *          collects the 16 events; everything from the first Signal to the signaller's
 *          wake-up, per event
 *
 * Configurations: the kernel object (patched kernel only); send and call with helpers one
 * above, equal to and below the waiter; pool (owned members) above and equal.
 */
#include <stdio.h>
#include <string.h>
#include "ns_test.h"

const struct ns_test_config ns_test_config = {"notifyset_measure", NS_BACKEND_BEST, 0, false};

#define WAIT_PRIO 100
#define MEMBERS   64
#define WAKES     200
#define BURSTS    40
#define BURST     16

struct config {
    const char *name;
    ns_backend_t backend;
    ns_fallback_variant_t variant;
    seL4_Word helper_prio;
    bool owned;
};

static ns_set_t *set;
static struct nst_member m[MEMBERS + 1];
static struct rt_object done;
static volatile seL4_Word woke_at, woke_events, burst_target, stop;
static int stop_tag;

static void *waiter(void *arg)
{
    (void)arg;
    struct ns_event ev[NS_MAX_EVENTS];
    for (;;) {
        int n = ns_wait(set, ev, NS_MAX_EVENTS);
        woke_at = seL4_BenchmarkReadCycles();
        if (n > 0)
            woke_events += (seL4_Word)n;
        if (stop)
            return NULL;
        if (burst_target && woke_events >= burst_target) {
            burst_target = 0;
            seL4_Signal(done.cap);
        }
    }
}

static void set_prio(seL4_Word p)
{
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, p);
}

static void row(const char *config, const char *scenario, seL4_Word events, seL4_Word instr,
                const seL4_BenchmarkCounters *c)
{
    printf("nsmeasure,%s,%s,%lu,%lu,%lu.%02lu,%lu.%02lu\n", config, scenario, (unsigned long)events,
           (unsigned long)(instr / events), (unsigned long)(c->kernel_entries / events),
           (unsigned long)(c->kernel_entries * 100 / events % 100),
           (unsigned long)(c->context_switches / events),
           (unsigned long)(c->context_switches * 100 / events % 100));
}

/* One-way wake-ups: the main thread signals from below the waiter. */
static bool measure_wake(const struct config *cf)
{
    set_prio(WAIT_PRIO - 50);
    seL4_Word sum = 0, round = 0, base = woke_events;
    seL4_BenchmarkCounters c;
    for (int i = 0; i < 20; i++)
        nst_signal(&m[i % MEMBERS]);
    seL4_BenchmarkResetCounters();
    for (int i = 0; i < WAKES; i++) {
        seL4_Word before = seL4_BenchmarkReadCycles();
        nst_signal(&m[(i * 7) % MEMBERS]);
        round += seL4_BenchmarkReadCycles() - before;
        sum += woke_at - before;
    }
    seL4_BenchmarkGetCounters(&c);
    set_prio(WAIT_PRIO);
    row(cf->name, "wake", WAKES, sum, &c);
    row(cf->name, "wake_round", WAKES, round, &c);
    return woke_events - base == WAKES + 20;
}

/* Bursts: the main thread signals 16 members from above, then sleeps until all came in. */
static bool measure_burst(const struct config *cf)
{
    set_prio(WAIT_PRIO + 50);
    seL4_Word sum = 0, base = woke_events;
    seL4_BenchmarkCounters c;
    seL4_BenchmarkResetCounters();
    for (int b = 0; b < BURSTS; b++) {
        burst_target = woke_events + BURST;
        seL4_Word before = seL4_BenchmarkReadCycles();
        for (int i = 0; i < BURST; i++)
            nst_signal(&m[(b * 5 + i * 3) % MEMBERS]);
        seL4_Wait(done.cap, NULL);
        sum += seL4_BenchmarkReadCycles() - before;
    }
    seL4_BenchmarkGetCounters(&c);
    set_prio(WAIT_PRIO);
    row(cf->name, "burst", BURSTS * BURST, sum, &c);
    return woke_events - base == BURSTS * BURST;
}

/* Adds mb as a plain member (its notification made by nst_members_make), or as an owned
 * one (the library makes it; mb->sig receives the signal cap). */
static int add(struct nst_member *mb, void *user, bool owned)
{
    if (!owned)
        return nst_add(set, mb, user);
    seL4_CPtr slot;
    if (rt_cspace_alloc(&slot) != seL4_NoError)
        return -seL4_NotEnoughMemory;
    int err = ns_add_owned(set, slot, user, &mb->token);
    if (!err) {
        mb->sig = slot;
        mb->in_set = true;
    }
    return err;
}

static bool run(const struct config *cf)
{
    struct ns_config cfg = {.backend = cf->backend,
                            .capacity = MEMBERS + 1,
                            .variant = cf->variant,
                            .helper_priority = cf->helper_prio,
                            .waiter_priority = WAIT_PRIO};
    if (ns_set_create(&set, &cfg))
        return false;
    memset(m, 0, sizeof(m));
    bool ok = cf->owned || nst_members_make(m, MEMBERS + 1) == 0;
    for (int i = 0; i <= MEMBERS && ok; i++)
        ok = add(&m[i], i == MEMBERS ? (void *)&stop_tag : &m[i], cf->owned) == 0;
    struct rt_thread t;
    woke_events = 0;
    stop = 0;
    ok = ok && nst_thread(&t, WAIT_PRIO, waiter, NULL) == seL4_NoError;
    if (ok) {
        seL4_Yield();
        ok = measure_wake(cf) && ok;
        ok = measure_burst(cf) && ok;
        stop = 1;
        nst_signal(&m[MEMBERS]);
        rt_thread_join(&t);
        rt_thread_destroy(&t);
    }
    for (int i = 0; i <= MEMBERS; i++) {
        if (m[i].in_set)
            ns_remove(set, m[i].token);
        if (cf->owned)
            rt_cspace_free(m[i].sig);
    }
    ns_set_destroy(set);
    nst_members_free(m, MEMBERS + 1);
    return ok;
}

int main(void)
{
    static const struct config configs[] = {
        {"kernel", NS_BACKEND_KERNEL, 0, 0, false},
        {"send_above", NS_BACKEND_FALLBACK, NS_FALLBACK_SEND, WAIT_PRIO + 1, false},
        {"send_equal", NS_BACKEND_FALLBACK, NS_FALLBACK_SEND, WAIT_PRIO, false},
        {"send_below", NS_BACKEND_FALLBACK, NS_FALLBACK_SEND, WAIT_PRIO - 10, false},
        {"call_above", NS_BACKEND_FALLBACK, NS_FALLBACK_CALL, WAIT_PRIO + 1, false},
        {"call_equal", NS_BACKEND_FALLBACK, NS_FALLBACK_CALL, WAIT_PRIO, false},
        {"call_below", NS_BACKEND_FALLBACK, NS_FALLBACK_CALL, WAIT_PRIO - 10, false},
        {"pool_above", NS_BACKEND_FALLBACK, NS_FALLBACK_POOL, WAIT_PRIO + 1, true},
        {"pool_equal", NS_BACKEND_FALLBACK, NS_FALLBACK_POOL, WAIT_PRIO, true},
    };
    test_begin("notifyset_measure");
    if (rt_init(0) != seL4_NoError || rt_object_alloc(seL4_NotificationObject, 0, &done)) {
        CHECK(false, "rt_init");
        test_finish();
    }
    set_prio(WAIT_PRIO);
    printf("# nsmeasure,config,scenario,events,instr_per_event,kentries_per_event,"
           "switches_per_event\n");
    for (unsigned i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
        if (configs[i].backend == NS_BACKEND_KERNEL && !ns_kernel_has_sets())
            continue;
        CHECK(run(&configs[i]), configs[i].name);
    }
    test_finish();
}

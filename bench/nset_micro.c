/*
 * Micro-benchmark of the notification-set object against its floors, on the patched
 * kernel with counters (kernel_patched_bench) under QEMU -icount shift=0, where
 * PMCCNTR_EL0 counts executed instructions exactly. Rows:
 *
 *   nset,<operation>,<n>,<iterations>,<instr_per_op>,<kentries_per_op>,<cswitch_per_op>
 *
 *   call_oneway_fast   a fastpath seL4_Call to a higher-priority server waiting in Recv,
 *                      from the caller's last instruction to the server's first after
 *                      Recv returns (the reference of kernel-patch's speed target)
 *   plain_wake_oneway  seL4_Signal to a higher-priority thread blocked in seL4_Wait
 *   set_wake_oneway    seL4_Signal on member n-1 of a set of n members, to a
 *                      higher-priority thread blocked in seL4_NotificationSet_Wait
 *   set_teardown       deleting the set's last cap with n members: instr_per_op is the
 *                      longest single kernel entry (PMCCNTR units), kentries the entries
 *                      the deletion took (it is preemptible)
 *   set_bytes          bytes of the set object per member (instr column)
 *
 * One-way figures subtract the cost of two back-to-back counter reads; counters are per
 * iteration and include the woken thread's return to its blocking call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <runtime.h>
#include <rt/rt.h>
#include <rt/cspace.h>
#include <rt/object.h>
#include <rt/thread.h>

#define ITERS     1000
#define WARMUP    100
#define ROOT_PRIO 100
#define HIGH_PRIO 150
#define BATCH     4096

static volatile seL4_Word woke_at, woke_token;
static seL4_Word read_pair; /* cost of two back-to-back counter reads */

static void die(const char *what, int err)
{
    printf("# error: %s (%d)\n", what, err);
    exit(1);
}

/* Thread bodies: each records the counter right after its blocking call returns. */
static __attribute__((noreturn)) void *plain_waiter(void *arg)
{
    for (;;) {
        seL4_Wait((seL4_CPtr)arg, NULL);
        woke_at = seL4_BenchmarkReadCycles();
    }
}

static void *set_waiter(void *arg)
{
    seL4_NotificationSetEvent ev = {0, 0};
    for (;;) {
        int n = seL4_NotificationSet_Wait((seL4_CPtr)arg, 1, &ev);
        woke_at = seL4_BenchmarkReadCycles();
        if (n < 1)
            return NULL; /* the set was deleted */
        woke_token = ev.token;
    }
}

static __attribute__((noreturn)) void *call_server(void *arg)
{
    seL4_CPtr ep = (seL4_CPtr)arg;
    seL4_MessageInfo_t info = seL4_RecvWithMRs(ep, NULL, NULL, NULL, NULL, NULL);
    for (;;) {
        woke_at = seL4_BenchmarkReadCycles();
        info = seL4_ReplyRecvWithMRs(ep, info, NULL, NULL, NULL, NULL, NULL);
    }
}

static void spawn(struct rt_thread *t, rt_thread_fn fn, seL4_CPtr arg, const char *name)
{
    struct rt_thread_config cfg = {.priority = HIGH_PRIO, .name = name};
    int err = rt_thread_create(t, fn, (void *)arg, &cfg);
    if (err)
        die("thread", err);
}

struct result {
    seL4_Word instr, entries, switches;
};

/* Runs op ITERS times (after a warm-up); sums the one-way latency woke_at - before. */
#define ONEWAY(res, op)                                                                            \
    do {                                                                                           \
        for (int i_ = 0; i_ < WARMUP; i_++)                                                        \
            op;                                                                                    \
        seL4_BenchmarkCounters c_;                                                                 \
        seL4_Word sum_ = 0;                                                                        \
        seL4_BenchmarkResetCounters();                                                             \
        for (int i_ = 0; i_ < ITERS; i_++) {                                                       \
            seL4_Word before_ = seL4_BenchmarkReadCycles();                                        \
            op;                                                                                    \
            sum_ += woke_at - before_;                                                             \
        }                                                                                          \
        seL4_BenchmarkGetCounters(&c_);                                                            \
        (res).instr = sum_ - ITERS * read_pair;                                                    \
        (res).entries = c_.kernel_entries;                                                         \
        (res).switches = c_.context_switches;                                                      \
    } while (0)

static void row(const char *op, seL4_Word n, const struct result *r, seL4_Word iters)
{
    printf("nset,%s,%lu,%lu,%lu.%02lu,%lu.%03lu,%lu.%03lu\n", op, (unsigned long)n,
           (unsigned long)iters, (unsigned long)(r->instr / iters),
           (unsigned long)(r->instr % iters * 100 / iters), (unsigned long)(r->entries / iters),
           (unsigned long)(r->entries % iters * 1000 / iters), (unsigned long)(r->switches / iters),
           (unsigned long)(r->switches % iters * 1000 / iters));
}

/* Smallest set size_bits with room for n members. */
static unsigned set_bits(seL4_Word n)
{
    unsigned k = seL4_NotificationSetMinBits;
    while (seL4_NotificationSetCapacity(k) < n)
        k++;
    return k;
}

/* One set of n members: wake latency, then the teardown's longest kernel entry. */
static void measure_set(seL4_Word n)
{
    unsigned k = set_bits(n);
    struct rt_object set;
    int err = rt_object_alloc_sized(seL4_NotificationSetObject, k,
                                    k + seL4_NotificationSetEntryBits, &set);
    if (err)
        die("set", err);
    seL4_Word batches = (n + BATCH - 1) / BATCH;
    struct rt_object_batch *ntfns = calloc(batches, sizeof(*ntfns));
    for (seL4_Word b = 0; b < batches; b++) {
        seL4_Word count = n - b * BATCH < BATCH ? n - b * BATCH : BATCH;
        if ((err = rt_object_alloc_batch(seL4_NotificationObject, 0, count, &ntfns[b])))
            die("notifications", err);
        for (seL4_Word i = 0; i < count; i++) {
            if ((err = seL4_NotificationSet_Add(set.cap, ntfns[b].first + i, b * BATCH + i)))
                die("add", err);
        }
    }
    seL4_CPtr last = ntfns[batches - 1].first + (n - 1) % BATCH;

    struct rt_thread waiter;
    spawn(&waiter, set_waiter, set.cap, "set_waiter");
    struct result wake;
    ONEWAY(wake, seL4_Signal(last));
    if (woke_token != n - 1)
        printf("# warning: woke with token %lu, not %lu\n", (unsigned long)woke_token,
               (unsigned long)(n - 1));
    row("set_wake_oneway", n, &wake, ITERS);

    seL4_BenchmarkCounters c;
    seL4_BenchmarkResetCounters();
    if ((err = rt_object_free(&set)))
        die("set delete", err);
    seL4_BenchmarkGetCounters(&c);
    struct result teardown = {c.max_entry_cycles, c.kernel_entries, c.context_switches};
    row("set_teardown", n, &teardown, 1);
    struct result bytes = {(1ul << (k + seL4_NotificationSetEntryBits)) * 100 / n, 0, 0};
    row("set_bytes", n, &bytes, 100);

    rt_thread_join(&waiter);
    rt_thread_destroy(&waiter);
    for (seL4_Word b = 0; b < batches; b++)
        rt_object_free_batch(&ntfns[b]);
    free(ntfns);
}

int main(void)
{
    int err = rt_init(0);
    if (err)
        die("runtime", err);
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, ROOT_PRIO);
    if (seL4_BenchmarkResetCounters() != seL4_NoError)
        die("no kernel counters (kernel_patched_bench needed)", 0);
    seL4_Word t0 = seL4_BenchmarkReadCycles(), t1 = seL4_BenchmarkReadCycles();
    read_pair = t1 - t0;

    printf("# nset: QEMU virt cortex-a53 -icount shift=0, kernel_patched_bench; "
           "instr = PMCCNTR_EL0 per op, one-way ops minus a counter-read pair (%lu)\n",
           (unsigned long)read_pair);
    printf("# nset,operation,n,iterations,instr_per_op,kentries_per_op,cswitch_per_op\n");

    struct rt_object ep, ntfn;
    if ((err = rt_object_alloc(seL4_EndpointObject, 0, &ep)) ||
        (err = rt_object_alloc(seL4_NotificationObject, 0, &ntfn)))
        die("objects", err);
    struct rt_thread server, plain;
    spawn(&server, call_server, ep.cap, "call_server");
    spawn(&plain, plain_waiter, ntfn.cap, "plain_waiter");
    struct result call, wake;
    ONEWAY(call,
           seL4_CallWithMRs(ep.cap, seL4_MessageInfo_new(0, 0, 0, 1), NULL, NULL, NULL, NULL));
    row("call_oneway_fast", 0, &call, ITERS);
    ONEWAY(wake, seL4_Signal(ntfn.cap));
    row("plain_wake_oneway", 1, &wake, ITERS);

    static const seL4_Word sizes[] = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536};
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        measure_set(sizes[i]);
    printf("# nset: done\n");
    return 0;
}

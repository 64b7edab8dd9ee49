/*
 * One thread waits on 10,000 notifications signalled by other processes.
 *
 * The root task makes 10,000 notifications and one libnotifyset set holding all of them
 * (the backend is chosen at build time: one image per backend), then starts four child
 * processes (many_child.c, embedded ELF), each holding write caps to a quarter of the
 * notifications in its own CNode, badged with its id. In every round the root lets the
 * children go; they signal the notifications that round's pattern selects (many.h), and
 * the root collects the events with ns_wait, checking that every signal arrived once, with
 * its sender's badge, and nothing else. Two children run above the root (they signal their
 * whole share before it runs: events come in batches), two below (each signal wakes it).
 *
 * It prints counts, and on kernels with counters the instructions, kernel entries and
 * context switches per event (exact under QEMU -icount shift=0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <notifyset.h>
#include <rt/rt.h>
#include "many.h"

#ifndef MANY_BACKEND
#define MANY_BACKEND NS_BACKEND_BEST
#endif
#ifndef MANY_VARIANT
#define MANY_VARIANT NS_FALLBACK_DEFAULT
#endif
#ifndef MANY_OWNED
#define MANY_OWNED false /* true: ns_add_owned, the library makes the notifications */
#endif

#define N          MANY_NOTIFICATIONS
#define SHARE      (N / MANY_CHILDREN)
#define ROOT_PRIO  100
#define BATCH      4096
#define CNODE_BITS 12

extern const char embedded_many_child[], embedded_many_child_end[];

static seL4_CPtr signal_cap[N]; /* what the children's caps are copied from */
static unsigned char seen[N];   /* user pointer of member i: &seen[i] */
static struct rt_object_batch batches[(N + BATCH - 1) / BATCH];
static struct rt_process child[MANY_CHILDREN];
static struct rt_object done, go[MANY_CHILDREN];
static seL4_CPtr done_cap[MANY_CHILDREN];
static unsigned long lost, invented, wrong_badge;

static void fail(const char *what, int err)
{
    printf("example_many: FAIL: %s (%d)\n", what, err);
    exit(1);
}

/* The members: caps the root made (signal caps are the objects' own) or owned ones. */
static void add_members(ns_set_t *set)
{
    int err = 0;
    for (unsigned b = 0; b * BATCH < N && !MANY_OWNED && !err; b++) {
        unsigned count = N - b * BATCH < BATCH ? N - b * BATCH : BATCH;
        err = (int)rt_object_alloc_batch(seL4_NotificationObject, 0, count, &batches[b]);
        for (unsigned k = 0; k < count && !err; k++)
            signal_cap[b * BATCH + k] = batches[b].first + k;
    }
    for (unsigned i = 0; i < N && !err; i++) {
        seL4_Word token;
        if (MANY_OWNED) {
            err = (int)rt_cspace_alloc(&signal_cap[i]);
            err = err ? err : ns_add_owned(set, signal_cap[i], &seen[i], &token);
        } else {
            err = ns_add(set, signal_cap[i], &seen[i], &token);
        }
    }
    if (err)
        fail("adding the members", err);
}

/* Child c: its share of caps in its CNode (badged 1 << c, or copied as they are for owned
 * members, which carry the library's badge), its done and go caps. */
static void start_child(unsigned c)
{
    seL4_Word first = RT_START_SLOT_FIRST_CAP + 2;
    seL4_Word words[MANY_NUM_WORDS] = {first, SHARE, c * SHARE, c};
    seL4_CPtr caps[2] = {done_cap[c], go[c].cap};
    struct rt_process_config cfg = {
        .priority = c % 2 ? ROOT_PRIO - 50 : ROOT_PRIO + 50,
        .cnode_bits = CNODE_BITS,
        .words = words,
        .num_words = MANY_NUM_WORDS,
        .caps = caps,
        .num_caps = 2,
        .name = "many_child",
    };
    int err = (int)rt_process_create(&child[c], embedded_many_child,
                                     (size_t)(embedded_many_child_end - embedded_many_child), &cfg);
    for (unsigned j = 0; j < SHARE && !err; j++) {
        seL4_CPtr src = signal_cap[c * SHARE + j];
        err =
            MANY_OWNED
                ? (int)seL4_CNode_Copy(child[c].cnode.cap, first + j, CNODE_BITS, rt_cspace_root(),
                                       src, RT_CSPACE_DEPTH, seL4_CanWrite)
                : (int)seL4_CNode_Mint(child[c].cnode.cap, first + j, CNODE_BITS, rt_cspace_root(),
                                       src, RT_CSPACE_DEPTH, seL4_CanWrite, (seL4_Word)1 << c);
    }
    err = err ? err : (int)rt_process_start(&child[c]);
    if (err)
        fail("starting a child", err);
}

/* One round: release the children, collect until every expected event is in, then check
 * that they are all done and nothing more comes. Returns the waits it took. */
static unsigned long run_round(ns_set_t *set, unsigned r, unsigned long *events)
{
    unsigned long expected = 0, got = 0, waits = 0;
    struct ns_event ev[NS_MAX_EVENTS];
    for (unsigned i = 0; i < N; i++)
        expected += many_signalled(r, i);
    memset(seen, 0, sizeof(seen));
    for (unsigned c = 0; c < MANY_CHILDREN; c++)
        seL4_Signal(go[c].cap);
    while (got < expected) {
        int n = ns_wait(set, ev, NS_MAX_EVENTS);
        if (n <= 0)
            fail("ns_wait", n);
        waits++;
        for (int k = 0; k < n; k++) {
            unsigned i = (unsigned)((unsigned char *)ev[k].user - seen);
            seL4_Word want = MANY_OWNED ? NS_OWNED_BADGE : (seL4_Word)1 << (i / SHARE);
            wrong_badge += ev[k].badge != want;
            if (i >= N || !many_signalled(r, i) || seen[i]) {
                invented++;
                continue;
            }
            seen[i] = 1;
            got++;
        }
    }
    seL4_Word all = 0, word;
    while (all != (1u << MANY_CHILDREN) - 1) {
        seL4_Wait(done.cap, &word);
        all |= word;
    }
    int extra = ns_poll(set, ev, NS_MAX_EVENTS);
    invented += extra > 0 ? (unsigned long)extra : 0;
    lost += expected - got;
    *events += got;
    return waits;
}

int main(void)
{
    ns_set_t *set;
    if (rt_init(0) != seL4_NoError)
        fail("rt_init", 0);
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, ROOT_PRIO);
    bool counters = seL4_BenchmarkResetCounters() == seL4_NoError;
    int err = (int)rt_object_alloc(seL4_NotificationObject, 0, &done);
    for (unsigned c = 0; c < MANY_CHILDREN && !err; c++) {
        err = (int)rt_object_alloc(seL4_NotificationObject, 0, &go[c]);
        err = err ? err : (int)rt_cspace_alloc(&done_cap[c]);
        err = err ? err
                  : (int)seL4_CNode_Mint(rt_cspace_root(), done_cap[c], RT_CSPACE_DEPTH,
                                         rt_cspace_root(), done.cap, RT_CSPACE_DEPTH, seL4_CanWrite,
                                         1u << c);
    }
    if (err)
        fail("notifications", err);

    seL4_Word before = rt_untyped_free_bytes();
    struct ns_config cfg = {.backend = MANY_BACKEND,
                            .capacity = N,
                            .variant = MANY_VARIANT,
                            .waiter_priority = ROOT_PRIO};
    if ((err = ns_set_create(&set, &cfg)))
        fail("ns_set_create", err);
    add_members(set);
    seL4_Word used = before - rt_untyped_free_bytes();
    printf("example_many: %s backend (%s), %u members: %lu bytes of untyped memory, %lu per "
           "member (notifications included)\n",
           ns_backend_name(ns_set_backend(set)), ns_variant_name(ns_set_variant(set)), N,
           (unsigned long)used, (unsigned long)(used / N));
    for (unsigned c = 0; c < MANY_CHILDREN; c++)
        start_child(c);

    unsigned long events = 0, waits = 0;
    seL4_BenchmarkCounters bc = {0};
    seL4_Word cycles = counters ? seL4_BenchmarkReadCycles() : 0;
    if (counters)
        seL4_BenchmarkResetCounters();
    for (unsigned r = 0; r < MANY_ROUNDS; r++)
        waits += run_round(set, r, &events);
    if (counters) {
        cycles = seL4_BenchmarkReadCycles() - cycles;
        seL4_BenchmarkGetCounters(&bc);
    }
    for (unsigned c = 0; c < MANY_CHILDREN; c++) {
        int status = -1;
        rt_process_wait(&child[c], &status);
        rt_process_destroy(&child[c]);
        if (status != 0)
            fail("a child's exit status", status);
    }
    printf("example_many: %u notifications, %u processes, %u rounds: %lu events in %lu waits "
           "(%lu.%02lu per wait), %lu lost, %lu invented, %lu with a wrong badge\n",
           N, MANY_CHILDREN, MANY_ROUNDS, events, waits, events / waits, events * 100 / waits % 100,
           lost, invented, wrong_badge);
    if (counters && events)
        printf("example_many: per event (whole rounds, signallers included): %lu instructions, "
               "%lu.%02lu kernel entries, %lu.%02lu context switches\n",
               (unsigned long)(cycles / events), (unsigned long)(bc.kernel_entries / events),
               (unsigned long)(bc.kernel_entries * 100 / events % 100),
               (unsigned long)(bc.context_switches / events),
               (unsigned long)(bc.context_switches * 100 / events % 100));
    ns_set_destroy(set);
    return lost || invented || wrong_badge ? 1 : 0;
}

/*
 * Benchmark scenario "poll": poll() over N registered descriptors of which one is active,
 * on a kernel with counters under QEMU -icount shift=0 (PMCCNTR_EL0 counts instructions
 * exactly). Rows, in the layout of bench/results/results.csv:
 *
 *   scenario,backend,kernel,n,active,batch,events,instr_per_event,kentries_per_event,
 *   cswitch_per_event,max_kentry_instr,bytes_per_member
 *
 *   poll,kernel-set,...       poll() of N eventfds (posix/) on the kernel's notification set
 *   poll,fallback-<variant>   the same on libnotifyset's user-level fallback
 *   poll,poll-loop,...        the baseline that a select() without a set amounts to:
 *                             seL4_Poll on each of the N notifications, every call
 *   evloop,<backend>,...      the same descriptors watched by the event loop (posix/evloop.h)
 *
 * One event: a producer thread at a lower priority writes the active eventfd (the last
 * one) while the measuring thread blocks in poll(); poll returns 1, the measuring thread
 * reads the counter back and polls again. Each event's figures count everything between
 * two returns of poll: the scan of the N pollfds, the wait, the producer's write and
 * signal, the wake-up and the read. The poll-loop baseline cannot block: one event is a
 * Signal of the active notification then one pass of N seL4_Poll calls that finds it.
 * bytes_per_member is the untyped memory the waiting mechanism took (the set, helper
 * threads, registrations), per descriptor; the descriptors' own notifications are not
 * counted. active = batch = 1.
 *
 * POLL_BENCH_MAX_N (default 16,384) bounds the sweep N = 1, 4, 16, ..., 16,384; rows are
 * printed as each size finishes. The smoke test (qemu.bench_poll_smoke) builds it with a
 * small N.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <rt/rt.h>
#include <posix/evloop.h>
#include <posix/posix.h>

#ifndef POLL_BENCH_MAX_N
#define POLL_BENCH_MAX_N 16384
#endif
#ifndef POLL_BENCH_ITERS
#define POLL_BENCH_ITERS 1000 /* events per row at N <= 64; fewer above, at least 20 */
#endif
#define WARMUP        10
#define ROOT_PRIO     100
#define PRODUCER_PRIO 50

static const char *kernel_name;

struct row {
    const char *scenario, *backend;
    size_t n, events;
    seL4_Word instr;
    seL4_BenchmarkCounters c;
    double bytes_per_member;
};

static void print_row(const struct row *r)
{
    double ev = (double)r->events;
    printf("%s,%s,%s,%zu,1,1,%zu,%.2f,%.3f,%.3f,%lu,%.1f\n", r->scenario, r->backend, kernel_name,
           r->n, r->events, (double)r->instr / ev, (double)r->c.kernel_entries / ev,
           (double)r->c.context_switches / ev, (unsigned long)r->c.max_entry_cycles,
           r->bytes_per_member);
}

static void skip(const char *scenario, const char *backend, size_t n, const char *why)
{
    printf("# skipped: %s,%s,%s,%zu: %s\n", scenario, backend, kernel_name, n, why);
}

static size_t iterations(size_t n)
{
    size_t it = n <= 64 ? POLL_BENCH_ITERS : POLL_BENCH_ITERS * 64 / n;
    return it < 20 ? 20 : it;
}

static seL4_Word start_count(void)
{
    seL4_BenchmarkResetCounters();
    return seL4_BenchmarkReadCycles();
}

static void stop_count(struct row *r, seL4_Word t0)
{
    r->instr = seL4_BenchmarkReadCycles() - t0;
    seL4_BenchmarkGetCounters(&r->c);
}

/* ---- The producer: writes the active eventfd whenever the measuring thread blocks ---- */

static volatile int active_fd;

static __attribute__((noreturn)) void *producer(void *arg)
{
    (void)arg;
    for (;;)
        eventfd_write(active_fd, 1);
}

/* ---- poll() and the event loop on a libnotifyset backend ---- */

static struct pollfd *pfds;
static int *fds;
static size_t evl_events;

static void on_ready(struct evl_loop *loop, struct evl_io *io, short revents)
{
    (void)loop, (void)revents;
    eventfd_t v;
    eventfd_read(io->fd, &v);
    evl_events++;
}

/* The measured loops: `iters` events through poll(), or through the event loop. */
static bool measure_poll(size_t n, size_t iters)
{
    eventfd_t v;
    for (size_t i = 0; i < iters; i++) {
        if (poll(pfds, n, -1) != 1 || eventfd_read(active_fd, &v) < 0)
            return false;
    }
    return true;
}

static bool measure_evloop(struct evl_loop *loop, size_t iters)
{
    size_t want = evl_events + iters;
    while (evl_events < want)
        if (evl_run_once(loop, true) < 0)
            return false;
    return true;
}

static void run_backend(ns_backend_t backend, size_t n, bool evloop)
{
    const char *scenario = evloop ? "evloop" : "poll";
    seL4_Word b0 = rt_untyped_free_bytes();
    struct posix_config cfg = {
        .backend = backend, .capacity = n, .waiter_priority = ROOT_PRIO, .no_timer = true};
    if (posix_init(&cfg) < 0) {
        skip(scenario, ns_backend_name(backend), n, "no such backend here");
        return;
    }
    char name[32];
    if (ns_set_backend(posix_set()) == NS_BACKEND_KERNEL)
        snprintf(name, sizeof(name), "kernel-set");
    else
        snprintf(name, sizeof(name), "fallback-%s", ns_variant_name(ns_set_variant(posix_set())));
    seL4_Word b1 = rt_untyped_free_bytes();
    static struct evl_loop loop;
    static struct evl_io *ios;
    ios = evloop ? calloc(n, sizeof(*ios)) : NULL;
    bool ok = !evloop || (ios && evl_init(&loop) == 0);
    for (size_t i = 0; i < n && ok; i++) {
        fds[i] = eventfd(0, 0);
        pfds[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
        ok = fds[i] >= 0;
    }
    active_fd = fds[n - 1];
    struct rt_thread t;
    struct rt_thread_config tc = {
        .priority = PRODUCER_PRIO, .stack_size = 16384, .name = "producer"};
    seL4_Word b2 = rt_untyped_free_bytes();
    ok = ok && rt_thread_create(&t, producer, NULL, &tc) == seL4_NoError;
    seL4_Word b2t = rt_untyped_free_bytes();
    for (size_t i = 0; i < n && ok && evloop; i++)
        ok = evl_io_start(&loop, &ios[i], fds[i], POLLIN, on_ready, NULL) == 0;
    /* Warm-up: the first call registers every descriptor in the set. */
    ok = ok && (evloop ? measure_evloop(&loop, WARMUP) : measure_poll(n, WARMUP));
    seL4_Word b3 = rt_untyped_free_bytes();
    struct row r = {.scenario = scenario, .backend = name, .n = n, .events = iterations(n)};
    seL4_Word t0 = start_count();
    ok = ok && (evloop ? measure_evloop(&loop, r.events) : measure_poll(n, r.events));
    stop_count(&r, t0);
    /* The set, plus what registering took; not the eventfds nor the producer thread. */
    r.bytes_per_member = ((double)(b0 - b1) + (double)(b2t - b3)) / (double)n;
    if (ok)
        print_row(&r);
    else
        skip(scenario, name, n, "set-up or poll failed (out of memory?)");
    rt_thread_destroy(&t);
    if (evloop)
        evl_fini(&loop);
    free(ios);
    posix_fini();
    (void)b2;
}

/* ---- The poll-loop baseline ---- */

static void run_poll_loop(size_t n)
{
    size_t nb = (n + 4095) / 4096;
    struct rt_object_batch *b = calloc(nb, sizeof(*b));
    seL4_CPtr *caps = malloc(n * sizeof(*caps));
    bool ok = b && caps;
    for (size_t i = 0; i < nb && ok; i++) {
        size_t count = n - i * 4096 < 4096 ? n - i * 4096 : 4096;
        ok = rt_object_alloc_batch(seL4_NotificationObject, 0, count, &b[i]) == seL4_NoError;
        for (size_t j = 0; j < count && ok; j++)
            caps[i * 4096 + j] = b[i].first + j;
    }
    /* Signal through a badged copy: Poll tells a signalled notification by its word. */
    seL4_CPtr signal_cap = 0;
    ok = ok && rt_cspace_alloc(&signal_cap) == seL4_NoError &&
         seL4_CNode_Mint(rt_cspace_root(), signal_cap, RT_CSPACE_DEPTH, rt_cspace_root(),
                         caps[n - 1], RT_CSPACE_DEPTH, seL4_CanWrite, 1) == seL4_NoError;
    struct row r = {.scenario = "poll", .backend = "poll-loop", .n = n, .events = iterations(n)};
    size_t found = 0;
    seL4_Word t0 = start_count();
    for (size_t e = 0; e < r.events && ok; e++) {
        seL4_Signal(signal_cap);
        for (size_t i = 0; i < n; i++) {
            seL4_Word word = 0;
            seL4_Poll(caps[i], &word);
            found += word != 0;
        }
    }
    stop_count(&r, t0);
    if (ok && found == r.events)
        print_row(&r);
    else
        skip("poll", "poll-loop", n, "set-up failed");
    if (signal_cap) {
        rt_cspace_delete(signal_cap);
        rt_cspace_free(signal_cap);
    }
    for (size_t i = 0; i < nb && b; i++)
        if (b[i].count)
            rt_object_free_batch(&b[i]);
    free(b);
    free(caps);
}

int main(void)
{
    if (rt_init(0) != seL4_NoError)
        return 1;
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, ROOT_PRIO);
    if (seL4_BenchmarkResetCounters() != seL4_NoError) {
        printf("# poll: no kernel counters (a kernel_bench image is needed)\n");
        return 1;
    }
    kernel_name = ns_kernel_has_sets() ? "patched" : "base";
    printf("# poll: QEMU virt cortex-a53 -icount shift=0, kernel %s, N up to %d\n", kernel_name,
           POLL_BENCH_MAX_N);
    printf("# scenario,backend,kernel,n,active,batch,events,instr_per_event,"
           "kentries_per_event,cswitch_per_event,max_kentry_instr,bytes_per_member\n");
    fds = malloc(POLL_BENCH_MAX_N * sizeof(*fds));
    pfds = malloc(POLL_BENCH_MAX_N * sizeof(*pfds));
    static const size_t sizes[] = {1, 4, 16, 64, 256, 1024, 4096, 16384};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t n = sizes[i];
        if (n > POLL_BENCH_MAX_N)
            break;
        if (ns_kernel_has_sets())
            run_backend(NS_BACKEND_KERNEL, n, false);
        run_backend(NS_BACKEND_FALLBACK, n, false);
        run_poll_loop(n);
        if (ns_kernel_has_sets())
            run_backend(NS_BACKEND_KERNEL, n, true);
        run_backend(NS_BACKEND_FALLBACK, n, true);
    }
    printf("# poll: done\n");
    return 0;
}

/*
 * Micro-benchmarks of the base kernel's IPC paths (design-brief.md, section 4). Runs as a
 * root task on kernel_bench under QEMU with -icount shift=0, where PMCCNTR_EL0 counts
 * executed instructions exactly, so every figure is the same on every run. One row per
 * operation:
 *
 *   micro,<operation>,<iterations>,<instr_per_op>,<kentries_per_op>,<cswitch_per_op>
 *
 * Loop operations (a syscall repeated in a loop: null syscalls, round trips, Signal with
 * no waiter) take the instructions of the whole loop minus those of the same loop left
 * empty. One-way operations (Send -> Recv, Signal -> Wait of a higher-priority thread,
 * here or in another address space) take, per iteration, the counter read by the woken
 * thread right after its system call returned minus the one read by the sender just
 * before its system call, less the cost of two back-to-back counter reads. Kernel entries
 * and context switches are the kernel counters' deltas per iteration, minus those of the
 * empty loop; for one-way operations an iteration also contains the woken thread's
 * return to its blocking call. The kernel's 2 ms tick is not masked: a tick that falls
 * into a loop is counted (deterministically). Every measurement is preceded by a
 * warm-up run; nothing is printed inside a measured region.
 */
#include <stdio.h>
#include <stdlib.h>
#include <runtime.h>
#include "ipc_util.h"

#define ITERS     1000
#define WARMUP    100
#define ROOT_PRIO 100
#define HIGH_PRIO 150

struct measure {
    long long cycles;   /* PMCCNTR_EL0 units, whole run */
    long long entries;  /* kernel entries, whole run */
    long long switches; /* context switches, whole run */
};

static struct measure empty_loop, read_pair;
static volatile seL4_Word woke_at; /* counter read by a woken thread */

/* Runs body n times between a counter reset and read, and two cycle-counter reads. */
#define MEASURE_LOOP(m, n, body)                                                                   \
    do {                                                                                           \
        seL4_BenchmarkCounters c_;                                                                 \
        seL4_BenchmarkResetCounters();                                                             \
        seL4_Word t0_ = seL4_BenchmarkReadCycles();                                                \
        for (seL4_Word i_ = 0; i_ < (n); i_++) {                                                   \
            body;                                                                                  \
            __asm__ volatile("" ::: "memory");                                                     \
        }                                                                                          \
        seL4_Word t1_ = seL4_BenchmarkReadCycles();                                                \
        seL4_BenchmarkGetCounters(&c_);                                                            \
        (m).cycles = (long long)(t1_ - t0_);                                                       \
        (m).entries = (long long)c_.kernel_entries;                                                \
        (m).switches = (long long)c_.context_switches;                                             \
    } while (0)

/* Runs n one-way operations: `before` is the counter just before `body`; the woken
 * thread stores its counter in woke_at. cycles is the sum of the n latencies. */
#define MEASURE_ONEWAY(m, n, body)                                                                 \
    do {                                                                                           \
        seL4_BenchmarkCounters c_;                                                                 \
        seL4_Word sum_ = 0;                                                                        \
        seL4_BenchmarkResetCounters();                                                             \
        for (seL4_Word i_ = 0; i_ < (n); i_++) {                                                   \
            seL4_Word before_ = seL4_BenchmarkReadCycles();                                        \
            body;                                                                                  \
            sum_ += woke_at - before_;                                                             \
        }                                                                                          \
        seL4_BenchmarkGetCounters(&c_);                                                            \
        (m).cycles = (long long)sum_;                                                              \
        (m).entries = (long long)c_.kernel_entries;                                                \
        (m).switches = (long long)c_.context_switches;                                             \
    } while (0)

/* Formats num/den with `places` decimals (rounded half away from zero). */
static const char *ratio(char *buf, size_t size, long long num, long long den, int places)
{
    long long scale = places == 3 ? 1000 : 100;
    long long v = (num * scale + (num >= 0 ? den / 2 : -den / 2)) / den;
    const char *sign = v < 0 ? "-" : "";
    if (v < 0)
        v = -v;
    snprintf(buf, size, "%s%lld.%0*lld", sign, v / scale, places, v % scale);
    return buf;
}

/* Prints one row: m minus the baseline, per iteration. */
static void row(const char *op, const struct measure *m, const struct measure *base)
{
    char a[32], b[32], c[32];
    printf("micro,%s,%d,%s,%s,%s\n", op, ITERS,
           ratio(a, sizeof(a), m->cycles - base->cycles, ITERS, 2),
           ratio(b, sizeof(b), m->entries - empty_loop.entries, ITERS, 3),
           ratio(c, sizeof(c), m->switches - empty_loop.switches, ITERS, 3));
}

/* ---- Partner threads ---- */

/* Equal-priority server, registers only: echoes every call. */
static void server_registers(seL4_Word ep)
{
    seL4_Word m0 = 0;
    seL4_MessageInfo_t info = seL4_RecvWithMRs(ep, NULL, &m0, NULL, NULL, NULL);
    for (;;)
        info = seL4_ReplyRecvWithMRs(ep, info, NULL, &m0, NULL, NULL, NULL);
}

/* Equal-priority server through the IPC buffer: echoes every call (any length). */
static void server_buffer(seL4_Word ep)
{
    seL4_MessageInfo_t info = seL4_Recv(ep, NULL);
    for (;;)
        info = seL4_ReplyRecv(ep, info, NULL);
}

/* Higher-priority receiver: records the counter after each Recv returns. */
static void receiver(seL4_Word ep)
{
    for (;;) {
        seL4_RecvWithMRs(ep, NULL, NULL, NULL, NULL, NULL);
        woke_at = seL4_BenchmarkReadCycles();
    }
}

/* Higher-priority waiter: records the counter after each Wait returns. */
static void waiter(seL4_Word ntfn)
{
    for (;;) {
        seL4_Wait(ntfn, NULL);
        woke_at = seL4_BenchmarkReadCycles();
    }
}

static seL4_CPtr new_obj(seL4_Word type)
{
    seL4_CPtr c = kobj_new(type, 0);
    if (!c) {
        printf("# error: cannot make a kernel object of type %llu\n", (unsigned long long)type);
        exit(1);
    }
    return c;
}

static void start(seL4_Word prio, const char *name, void (*fn)(seL4_Word), seL4_Word arg)
{
    static struct kobj_thread threads[8];
    static unsigned used;
    if (used == 8 || ipc_thread(&threads[used++], prio, name, fn, arg) != seL4_NoError) {
        printf("# error: cannot start thread %s\n", name);
        exit(1);
    }
}

int main(void)
{
    kobj_set_my_prio(ROOT_PRIO);
    if (seL4_BenchmarkResetCounters() != seL4_NoError) {
        printf("# error: this kernel has no counters (build with kernel_bench)\n");
        return 1;
    }
    seL4_CPtr ep_fast = new_obj(seL4_EndpointObject), ep_slow = new_obj(seL4_EndpointObject);
    seL4_CPtr ep_oneway = new_obj(seL4_EndpointObject);
    seL4_CPtr ntfn_hi = new_obj(seL4_NotificationObject);
    seL4_CPtr ntfn_idle = new_obj(seL4_NotificationObject);
    seL4_CPtr ntfn_space = new_obj(seL4_NotificationObject);
    start(ROOT_PRIO, "srv_fast", server_registers, ep_fast);
    start(ROOT_PRIO, "srv_slow", server_buffer, ep_slow);
    start(HIGH_PRIO, "receiver", receiver, ep_oneway);
    start(HIGH_PRIO, "waiter", waiter, ntfn_hi);
    struct ipc_space space;
    if (ipc_space_new(&space, HIGH_PRIO, "waiter_as") != seL4_NoError ||
        ipc_space_start(&space, 0, ntfn_space, true) != seL4_NoError) {
        printf("# error: cannot start the thread in another address space\n");
        return 1;
    }
    seL4_Yield(); /* the equal-priority servers reach their Recv */

    struct measure yield, invalid, fast, slow, send, sig_hi, sig_idle, sig_as;
    const seL4_Word no_args[6] = {0};
    seL4_MessageInfo_t one = seL4_MessageInfo_new(0, 0, 0, 1);
    seL4_MessageInfo_t five = seL4_MessageInfo_new(0, 0, 0, 5);
    ipc_set_mrs(5, 1);

    /* Baselines. */
    MEASURE_LOOP(empty_loop, WARMUP, (void)0);
    MEASURE_LOOP(empty_loop, ITERS, (void)0);
    MEASURE_ONEWAY(read_pair, WARMUP, woke_at = seL4_BenchmarkReadCycles());
    MEASURE_ONEWAY(read_pair, ITERS, woke_at = seL4_BenchmarkReadCycles());

    MEASURE_LOOP(yield, WARMUP, seL4_Yield());
    MEASURE_LOOP(yield, ITERS, seL4_Yield());
    MEASURE_LOOP(invalid, WARMUP, rt_raw_syscall(-100, no_args));
    MEASURE_LOOP(invalid, ITERS, rt_raw_syscall(-100, no_args));
    MEASURE_LOOP(fast, WARMUP, seL4_CallWithMRs(ep_fast, one, NULL, NULL, NULL, NULL));
    MEASURE_LOOP(fast, ITERS, seL4_CallWithMRs(ep_fast, one, NULL, NULL, NULL, NULL));
    MEASURE_LOOP(slow, WARMUP, seL4_Call(ep_slow, five));
    MEASURE_LOOP(slow, ITERS, seL4_Call(ep_slow, five));
    MEASURE_ONEWAY(send, WARMUP, seL4_SendWithMRs(ep_oneway, one, NULL, NULL, NULL, NULL));
    MEASURE_ONEWAY(send, ITERS, seL4_SendWithMRs(ep_oneway, one, NULL, NULL, NULL, NULL));
    MEASURE_ONEWAY(sig_hi, WARMUP, seL4_Signal(ntfn_hi));
    MEASURE_ONEWAY(sig_hi, ITERS, seL4_Signal(ntfn_hi));
    MEASURE_LOOP(sig_idle, WARMUP, seL4_Signal(ntfn_idle));
    MEASURE_LOOP(sig_idle, ITERS, seL4_Signal(ntfn_idle));
    MEASURE_ONEWAY(sig_as, WARMUP,
                   (seL4_Signal(ntfn_space), woke_at = space.shared[IPC_SHARED_CYCLES]));
    seL4_Word wakeups = space.shared[IPC_SHARED_COUNT];
    MEASURE_ONEWAY(sig_as, ITERS,
                   (seL4_Signal(ntfn_space), woke_at = space.shared[IPC_SHARED_CYCLES]));

    printf("# micro: QEMU virt cortex-a53 -icount shift=0, kernel_bench; instr = PMCCNTR_EL0 "
           "per op (loop ops minus an empty loop, one-way ops minus a counter-read pair); "
           "kentries/cswitch = kernel counter deltas per iteration\n");
    printf("# micro,operation,iterations,instr_per_op,kentries_per_op,cswitch_per_op\n");
    row("null_syscall", &yield, &empty_loop);
    row("invalid_syscall", &invalid, &empty_loop);
    row("call_replyrecv_fast", &fast, &empty_loop);
    row("call_replyrecv_slow", &slow, &empty_loop);
    row("send_recv_oneway", &send, &read_pair);
    row("signal_wait_hi_oneway", &sig_hi, &read_pair);
    row("signal_nowaiter", &sig_idle, &empty_loop);
    row("signal_wait_otheras_oneway", &sig_as, &read_pair);
    if (space.shared[IPC_SHARED_COUNT] != wakeups + ITERS)
        printf("# warning: the other address space woke %llu times, not %d\n",
               (unsigned long long)(space.shared[IPC_SHARED_COUNT] - wakeups), ITERS);
    printf("# empty loop: %lld instr for %d iterations; counter-read pair: %lld\n",
           empty_loop.cycles, ITERS, read_pair.cycles / ITERS);
    return 0;
}

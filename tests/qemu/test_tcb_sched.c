/*
 * Scheduling and per-thread state (docs/kernel-api.md, "TCB": seL4's non-MCS scheduler,
 * highest runnable priority first, round-robin time slices of 5 ticks of 2 ms, Yield to
 * the back of the queue):
 *  - a higher-priority thread runs at once when resumed, or when SetPriority raises it
 *    above the caller;
 *  - a lower-priority thread does not run while a higher one is runnable (even for many
 *    ticks), and runs at once when the caller lowers itself below it;
 *  - threads of equal priority alternate strictly through seL4_Yield;
 *  - two threads at equal priority doing long floating-point computations are interleaved
 *    by time slices and both get exact results (FP/SIMD state is kept per thread);
 *  - the caller's own FP registers (v16..v31) survive a switch to an FP-using thread.
 */
#include <stdio.h>
#include <string.h>
#include "kobj.h"
#include "testlib.h"

#define ROOT_PRIO 100
#define FP_ITERS  200000

static volatile char order_log[64];
static volatile seL4_Word order_len;
static volatile seL4_Word flag;

static void log_char(char c)
{
    if (order_len < sizeof(order_log) - 1)
        order_log[order_len++] = c;
}

static void log_thread(seL4_Word c)
{
    log_char((char)c);
}

/* A new thread at prio running fn(arg), resumed. */
static void start(struct kobj_thread *t, seL4_Word prio, void (*fn)(seL4_Word), seL4_Word arg)
{
    *t = (struct kobj_thread){0};
    kobj_thread_new(t, prio, "sched");
    kobj_thread_start(t, fn, arg);
}

static uint64_t counter_now(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

/* Busy for ms milliseconds of the generic timer (many kernel ticks). */
static void busy_ms(unsigned ms)
{
    uint64_t freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    uint64_t end = counter_now() + freq / 1000 * ms;
    while (counter_now() < end)
        ;
}

static void test_preemption(void)
{
    struct kobj_thread h;
    order_len = 0;
    start(&h, ROOT_PRIO + 50, log_thread, 'H');
    log_char('R');
    order_log[order_len] = 0;
    CHECK(strcmp((const char *)order_log, "HR") == 0,
          "a higher-priority thread runs at once when resumed");

    /* A lower thread waits, through many ticks, until we drop below it. */
    struct kobj_thread l;
    order_len = 0;
    start(&l, ROOT_PRIO - 50, log_thread, 'L');
    busy_ms(60);
    CHECK_EQ(order_len, 0, "a lower-priority thread does not run in 60 ms while we are runnable");
    CHECK_EQ(kobj_set_my_prio(ROOT_PRIO - 60), seL4_NoError, "lower our own priority below it");
    log_char('R');
    CHECK(order_len == 2 && order_log[0] == 'L', "the lower thread ran as soon as we dropped");
    CHECK_EQ(kobj_set_my_prio(ROOT_PRIO), seL4_NoError, "raise our priority back");

    /* Raising a ready thread above us preempts us. */
    struct kobj_thread r;
    order_len = 0;
    start(&r, ROOT_PRIO - 50, log_thread, 'P');
    CHECK_EQ(order_len, 0, "a ready lower thread has not run");
    CHECK_EQ(seL4_TCB_SetPriority(r.tcb, seL4_CapInitThreadTCB, ROOT_PRIO + 1), seL4_NoError,
             "SetPriority raises it above us");
    log_char('R');
    CHECK(order_len == 2 && order_log[0] == 'P', "it ran before SetPriority returned to us");
}

static void yield_five(seL4_Word c)
{
    for (int i = 0; i < 5; i++) {
        log_char((char)c);
        seL4_Yield();
    }
    flag++;
}

static void test_round_robin(void)
{
    struct kobj_thread a, b;
    order_len = 0;
    flag = 0;
    start(&a, ROOT_PRIO, yield_five, 'A');
    start(&b, ROOT_PRIO, yield_five, 'B');
    CHECK_EQ(order_len, 0, "equal-priority threads wait for us to yield");
    CHECK(kobj_wait_until(&flag, 2), "both finish while we yield");
    order_log[order_len] = 0;
    printf("yield order: %s\n", (const char *)order_log);
    CHECK(strcmp((const char *)order_log, "ABABABABAB") == 0,
          "equal-priority threads alternate strictly through seL4_Yield");
}

/* FP work whose result depends on every iteration; counts how often the other thread made
 * progress between two of our checks (evidence of time-slice interleaving). */
struct fp_job {
    double seed;
    volatile seL4_Word progress;
    volatile seL4_Word *other;
    seL4_Word switches;
    double result;
    volatile seL4_Word done;
};

static __attribute__((noinline)) double fp_work(struct fp_job *j)
{
    double a[16];
    for (int k = 0; k < 16; k++)
        a[k] = j->seed + k * 0.25;
    seL4_Word seen = j->other ? *j->other : 0;
    for (unsigned long i = 0; i < FP_ITERS; i++) {
        for (int k = 0; k < 16; k++)
            a[k] = a[k] * 0.9999997 + a[(k + 1) & 15] * 1e-7 + 1e-9 * (double)k;
        if ((i & 255) == 0) {
            j->progress = i;
            if (j->other && *j->other != seen) {
                seen = *j->other;
                j->switches++;
            }
        }
    }
    double s = 0;
    for (int k = 0; k < 16; k++)
        s = s * 1.0000001 + a[k];
    return s;
}

static void fp_thread(seL4_Word arg)
{
    struct fp_job *j = (struct fp_job *)arg;
    j->result = fp_work(j);
    j->done = 1;
}

static void test_fp(void)
{
    struct fp_job ref_a = {.seed = 1.5}, ref_b = {.seed = -3.75};
    uint64_t t0 = counter_now();
    double want_a = fp_work(&ref_a), want_b = fp_work(&ref_b);
    uint64_t freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    printf("fp: one job takes ~%llu ms\n",
           (unsigned long long)((counter_now() - t0) * 1000 / freq / 2));

    static struct fp_job ja, jb;
    ja = (struct fp_job){.seed = 1.5};
    jb = (struct fp_job){.seed = -3.75};
    ja.other = &jb.progress;
    jb.other = &ja.progress;
    struct kobj_thread ta, tb;
    start(&ta, ROOT_PRIO, fp_thread, (seL4_Word)&ja);
    start(&tb, ROOT_PRIO, fp_thread, (seL4_Word)&jb);
    /* Drop below them: they share the CPU by time slices only. */
    kobj_set_my_prio(ROOT_PRIO - 10);
    kobj_set_my_prio(ROOT_PRIO);
    CHECK(ja.done && jb.done, "both FP threads finished before we ran again");
    printf("fp: switches seen a=%lu b=%lu\n", (unsigned long)ja.switches,
           (unsigned long)jb.switches);
    CHECK(ja.switches >= 2 && jb.switches >= 2, "time slices interleaved the two FP threads");
    CHECK(memcmp(&ja.result, &want_a, sizeof(double)) == 0, "thread A's FP result is exact");
    CHECK(memcmp(&jb.result, &want_b, sizeof(double)) == 0, "thread B's FP result is exact");
}

/* Thread body that overwrites v16..v31. */
static void clobber_fp(seL4_Word unused)
{
    (void)unused;
    __asm__ volatile("movi v16.16b, #0xee\n\tmovi v17.16b, #0xee\n\tmovi v18.16b, #0xee\n\t"
                     "movi v19.16b, #0xee\n\tmovi v20.16b, #0xee\n\tmovi v21.16b, #0xee\n\t"
                     "movi v22.16b, #0xee\n\tmovi v23.16b, #0xee\n\tmovi v24.16b, #0xee\n\t"
                     "movi v25.16b, #0xee\n\tmovi v26.16b, #0xee\n\tmovi v27.16b, #0xee\n\t"
                     "movi v28.16b, #0xee\n\tmovi v29.16b, #0xee\n\tmovi v30.16b, #0xee\n\t"
                     "movi v31.16b, #0xee" ::
                         : "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25",
                           "v26", "v27", "v28", "v29", "v30", "v31");
    flag = 1;
}

/* Loads v16..v31 from in, resumes tcb (a higher-priority thread runs before the call
 * returns), stores v16..v31 to out. */
static void resume_keeping_fp(seL4_CPtr tcb, const uint64_t in[32], uint64_t out[32])
{
    register seL4_Word x0 __asm__("x0") = tcb;
    register seL4_Word x1 __asm__("x1") = seL4_MessageInfo_new(TCBResume, 0, 0, 0).words[0];
    register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysCall;
    __asm__ volatile("ldp q16, q17, [%[in]]\n\tldp q18, q19, [%[in], #32]\n\t"
                     "ldp q20, q21, [%[in], #64]\n\tldp q22, q23, [%[in], #96]\n\t"
                     "ldp q24, q25, [%[in], #128]\n\tldp q26, q27, [%[in], #160]\n\t"
                     "ldp q28, q29, [%[in], #192]\n\tldp q30, q31, [%[in], #224]\n\t"
                     "svc #0\n\t"
                     "stp q16, q17, [%[out]]\n\tstp q18, q19, [%[out], #32]\n\t"
                     "stp q20, q21, [%[out], #64]\n\tstp q22, q23, [%[out], #96]\n\t"
                     "stp q24, q25, [%[out], #128]\n\tstp q26, q27, [%[out], #160]\n\t"
                     "stp q28, q29, [%[out], #192]\n\tstp q30, q31, [%[out], #224]"
                     : "+r"(x0), "+r"(x1)
                     : [in] "r"(in), [out] "r"(out), "r"(x7)
                     : "x2", "x3", "x4", "x5", "v16", "v17", "v18", "v19", "v20", "v21", "v22",
                       "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30", "v31", "memory");
}

static void test_fp_across_switch(void)
{
    struct kobj_thread t = {0};
    kobj_thread_new(&t, ROOT_PRIO + 10, "clobber");
    kobj_thread_prepare(&t, clobber_fp, 0);
    static uint64_t in[32], out[32];
    for (int i = 0; i < 32; i++)
        in[i] = 0x0101010101010101ull * (uint64_t)(i + 1);
    flag = 0;
    resume_keeping_fp(t.tcb, in, out);
    CHECK_EQ(flag, 1, "it ran inside our Resume");
    CHECK(memcmp(in, out, sizeof(in)) == 0, "our v16..v31 survived the switch to it and back");
    kobj_delete(t.tcb);
}

int main(void)
{
    test_begin("tcb_sched");
    kobj_set_my_prio(ROOT_PRIO);
    test_preemption();
    test_round_robin();
    test_fp();
    test_fp_across_switch();
    test_finish();
}

/*
 * Threads of the runtime (runtime/src/thread.c): several running at once in round robin,
 * each with its own TLS (a __thread variable, errno) and stack, using malloc; results
 * returned from fn or through rt_thread_exit; join blocking for a lower-priority thread;
 * destroy giving back every byte and slot; a stack overflow hitting the guard page.
 */
#include <errno.h>
#include <rt/rt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testlib.h"

enum { NTHREADS = 8, STEPS = 50 };

static __thread seL4_Word my_id = 1000;
static volatile unsigned order[NTHREADS * STEPS];
static volatile unsigned next_slot;

/* Each step logs the thread's id and yields, so the log shows whether threads took turns. */
static void *worker(void *arg)
{
    seL4_Word id = (seL4_Word)arg;
    bool ok = my_id == 1000; /* the template value, not another thread's */
    my_id = id;
    for (unsigned i = 0; i < STEPS; i++) {
        order[__atomic_fetch_add(&next_slot, 1, __ATOMIC_RELAXED)] = (unsigned)id;
        errno = (int)id;
        char *p = malloc(100 + id);
        if (p) {
            memset(p, (int)id, 100 + id);
            ok = ok && p[99 + id] == (char)id;
            free(p);
        }
        seL4_Yield();
        ok = ok && my_id == id && errno == (int)id;
    }
    ok = ok && rt_thread_self() != NULL && rt_thread_self()->arg == arg;
    return ok ? (void *)(id * 10) : NULL;
}

static void test_concurrent(void)
{
    static struct rt_thread t[NTHREADS];
    bool created = true;
    next_slot = 0;
    for (seL4_Word i = 0; i < NTHREADS; i++)
        created = rt_thread_create(&t[i], worker, (void *)(i + 1), NULL) == seL4_NoError && created;
    CHECK(created, "8 threads created at the root task's priority");
    bool results = true;
    for (unsigned i = 0; i < NTHREADS; i++)
        results = results && rt_thread_join(&t[i]) == (void *)(seL4_Word)((i + 1) * 10);
    CHECK(results, "each joined with its own result (TLS, errno, malloc checked inside)");
    CHECK_EQ(next_slot, NTHREADS * STEPS, "every step ran");
    unsigned switches = 0;
    for (unsigned i = 1; i < NTHREADS * STEPS; i++)
        switches += order[i] != order[i - 1];
    printf("%u switches between threads in %u steps\n", switches, NTHREADS * STEPS);
    CHECK(switches > NTHREADS * STEPS / 2, "the threads ran interleaved");
    CHECK_EQ(my_id, 1000, "the initial thread's TLS is untouched");
    bool destroyed = true;
    for (unsigned i = 0; i < NTHREADS; i++)
        destroyed = rt_thread_destroy(&t[i]) == seL4_NoError && destroyed;
    CHECK(destroyed, "all destroyed");
}

static __attribute__((noinline)) void deep_exit(seL4_Word v)
{
    rt_thread_exit((void *)(v + 1));
}

static void *exits_early(void *arg)
{
    deep_exit((seL4_Word)arg);
    return NULL; /* not reached */
}

/* Uses most of a 64 KiB stack. */
static __attribute__((noinline)) seL4_Word recurse(seL4_Word n)
{
    volatile char buf[1024];
    buf[0] = (char)n;
    if (n == 0)
        return buf[0];
    return recurse(n - 1) + buf[0];
}

static void *deep(void *arg)
{
    (void)arg;
    return (void *)recurse(50);
}

static void *lower(void *arg)
{
    *(volatile int *)arg = 1;
    return (void *)7;
}

static void test_exit_and_priorities(void)
{
    struct rt_thread t;
    CHECK_EQ(rt_thread_create(&t, exits_early, (void *)41, NULL), seL4_NoError,
             "a thread that calls rt_thread_exit");
    CHECK_EQ((seL4_Word)rt_thread_join(&t), 42, "its result arrives");
    CHECK(rt_thread_finished(&t), "it is marked finished");
    rt_thread_destroy(&t);

    CHECK_EQ(rt_thread_create(&t, deep, NULL, NULL), seL4_NoError,
             "a thread using 50 KiB of stack");
    CHECK_EQ((seL4_Word)rt_thread_join(&t), 1275, "computes its result");
    rt_thread_destroy(&t);

    volatile int ran = 0;
    struct rt_thread_config cfg = {.priority = 100, .name = "low"};
    CHECK_EQ(rt_thread_create(&t, lower, (void *)&ran, &cfg), seL4_NoError,
             "a thread at priority 100");
    CHECK_EQ(ran, 0, "it has not run while the root task (255) runs");
    CHECK_EQ((seL4_Word)rt_thread_join(&t), 7, "join blocks until it has run");
    rt_thread_destroy(&t);

    cfg.priority = 256;
    CHECK_EQ(rt_thread_create(&t, lower, (void *)&ran, &cfg), seL4_RangeError,
             "priority above the MCP: RangeError");
    CHECK_EQ(rt_thread_create(&t, NULL, NULL, NULL), seL4_InvalidArgument,
             "no function: InvalidArgument");
}

static void *short_lived(void *arg)
{
    return arg;
}

static void test_accounting(void)
{
    struct rt_thread t[4];
    /* One round first: it makes the page tables the stack addresses need, which stay. */
    rt_thread_create(&t[0], short_lived, NULL, NULL);
    rt_thread_join(&t[0]);
    rt_thread_destroy(&t[0]);
    seL4_Word bytes = rt_untyped_free_bytes(), slots = rt_cspace_free_slots();
    bool ok = true;
    for (unsigned round = 0; round < 25 && ok; round++) {
        for (unsigned i = 0; i < 4; i++)
            ok = rt_thread_create(&t[i], short_lived, &t[i], NULL) == seL4_NoError && ok;
        for (unsigned i = 0; i < 4 && ok; i++)
            ok = rt_thread_join(&t[i]) == &t[i];
        for (unsigned i = 0; i < 4; i++)
            ok = rt_thread_destroy(&t[i]) == seL4_NoError && ok;
    }
    CHECK(ok, "25 rounds of 4 threads created, joined, destroyed");
    CHECK_EQ(rt_untyped_free_bytes(), bytes, "every byte is back");
    CHECK_EQ(rt_cspace_free_slots(), slots, "every slot is back");
}

static void *overflow(void *arg)
{
    (void)arg;
    /* Write just below the stack: the guard page. */
    volatile seL4_Word *below = (volatile seL4_Word *)(rt_thread_self()->stack_base - 16);
    *below = 1;
    return (void *)1;
}

static void test_guard_page(void)
{
    struct rt_thread t;
    struct rt_thread_config cfg = {.priority = seL4_MaxPrio, .name = "guard"};
    CHECK_EQ(rt_thread_create(&t, overflow, NULL, &cfg), seL4_NoError,
             "a thread that writes below its stack");
    for (int i = 0; i < 100; i++)
        seL4_Yield();
    CHECK(!rt_thread_finished(&t), "it faulted on the guard page and never finished");
    CHECK_EQ(rt_thread_destroy(&t), seL4_NoError, "a faulted thread can be destroyed");
}

int main(void)
{
    test_begin("runtime_thread");
    seL4_Error err = rt_init(0);
    CHECK_EQ(err, seL4_NoError, "rt_init");
    if (err != seL4_NoError)
        test_finish();
    test_concurrent();
    test_exit_and_priorities();
    test_accounting();
    test_guard_page();
    test_finish();
}

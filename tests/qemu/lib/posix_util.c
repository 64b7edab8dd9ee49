/* Helpers for the posix/ QEMU tests (see posix_util.h). */
#include <stdio.h>
#include <posix/timer.h>
#include "posix_util.h"
#include "testlib.h"

void pt_setup_backend(const char *suite, size_t capacity, ns_backend_t backend)
{
    test_begin(suite);
    if (!CHECK_EQ(rt_init(0), seL4_NoError, "rt_init"))
        test_finish();
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, PT_MAIN_PRIO);
    struct posix_config cfg = {
        .backend = backend,
        .capacity = capacity,
        .waiter_priority = PT_MAIN_PRIO,
    };
    if (!CHECK_EQ(posix_init(&cfg), 0, "posix_init"))
        test_finish();
    printf("# backend: %s, timer service: %s\n", ns_backend_name(posix_backend()),
           posix_has_timer() ? "yes" : "no");
}

bool pt_thread(struct rt_thread *t, rt_thread_fn fn, void *arg)
{
    struct rt_thread_config cfg = {.priority = PT_HELPER_PRIO, .name = "pt_helper"};
    return rt_thread_create(t, fn, arg, &cfg) == seL4_NoError;
}

void pt_join(struct rt_thread *t)
{
    rt_thread_join(t);
    rt_thread_destroy(t);
}

uint64_t pt_now_us(void)
{
    return posix_ns_from_ticks(posix_clock_ticks()) / 1000;
}

uint64_t pt_now_ms(void)
{
    return pt_now_us() / 1000;
}

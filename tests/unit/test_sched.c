/* Unit tests of the scheduler (kernel/core/sched.c): seL4's non-MCS choices. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <core.h>
#include <printk.h>

static int switches;

void arch_switch_thread(struct tcb *prev, struct tcb *next)
{
    (void)prev;
    (void)next;
    switches++;
}

noreturn void panic(const char *fmt, ...)
{
    (void)fmt;
    fail_msg("kernel panic");
    abort();
}

static struct tcb threads[4];

static struct tcb *thread(int i, unsigned prio)
{
    struct tcb *t = &threads[i];
    memset(t, 0, sizeof(*t));
    t->priority = (uint8_t)prio;
    t->timeslice = CONFIG_TIME_SLICE_TICKS;
    snprintf(t->name, sizeof(t->name), "t%d", i);
    return t;
}

/* Makes t runnable the way a wake-up does, then runs the scheduler. */
static void wake(struct tcb *t)
{
    thread_set_state(t, THREAD_RUNNING);
    sched_possible_switch_to(t);
    schedule();
}

static int setup(void **state)
{
    (void)state;
    core_init(0);
    switches = 0;
    return 0;
}

static void test_idle_until_a_thread_is_runnable(void **state)
{
    (void)state;
    assert_ptr_equal(cur_thread(), &this_core()->idle);
    schedule();
    assert_ptr_equal(cur_thread(), &this_core()->idle);
    struct tcb *a = thread(0, 10);
    wake(a);
    assert_ptr_equal(cur_thread(), a);
    assert_false(a->in_ready_queue);
    assert_int_equal(this_core()->live_threads, 1);
}

static void test_higher_priority_wakeup_preempts(void **state)
{
    (void)state;
    struct tcb *low = thread(0, 10), *high = thread(1, 200);
    wake(low);
    wake(high);
    assert_ptr_equal(cur_thread(), high);
    /* The preempted thread waits at the head of its queue. */
    assert_true(low->in_ready_queue);
    assert_ptr_equal(this_core()->ready[10].head, low);
}

static void test_lower_priority_wakeup_waits(void **state)
{
    (void)state;
    struct tcb *low = thread(0, 10), *high = thread(1, 200);
    wake(high);
    wake(low);
    assert_ptr_equal(cur_thread(), high);
    assert_true(low->in_ready_queue);
    thread_set_state(high, THREAD_INACTIVE);
    schedule();
    assert_ptr_equal(cur_thread(), low);
    assert_int_equal(this_core()->live_threads, 1);
}

static void test_equal_priority_wakeup_does_not_preempt(void **state)
{
    (void)state;
    struct tcb *a = thread(0, 50), *b = thread(1, 50);
    wake(a);
    wake(b);
    assert_ptr_equal(cur_thread(), a);
    assert_ptr_equal(this_core()->ready[50].tail, b);
}

static void test_yield_rotates_equal_priorities(void **state)
{
    (void)state;
    struct tcb *a = thread(0, 50), *b = thread(1, 50), *c = thread(2, 50);
    wake(a);
    wake(b);
    wake(c);
    assert_ptr_equal(cur_thread(), a);
    sched_yield();
    schedule();
    assert_ptr_equal(cur_thread(), b);
    sched_yield();
    schedule();
    assert_ptr_equal(cur_thread(), c);
    sched_yield();
    schedule();
    assert_ptr_equal(cur_thread(), a);
}

static void test_yield_alone_keeps_running(void **state)
{
    (void)state;
    struct tcb *a = thread(0, 50), *low = thread(1, 5);
    wake(a);
    wake(low);
    sched_yield();
    schedule();
    assert_ptr_equal(cur_thread(), a);
}

static void test_time_slice_expiry_rotates(void **state)
{
    (void)state;
    struct tcb *a = thread(0, 50), *b = thread(1, 50);
    wake(a);
    wake(b);
    for (int i = 0; i < CONFIG_TIME_SLICE_TICKS - 1; i++) {
        sched_tick();
        schedule();
        assert_ptr_equal(cur_thread(), a);
    }
    sched_tick();
    schedule();
    assert_ptr_equal(cur_thread(), b);
    assert_int_equal(a->timeslice, CONFIG_TIME_SLICE_TICKS);
}

static void test_blocking_the_last_thread_idles(void **state)
{
    (void)state;
    struct tcb *a = thread(0, 50);
    wake(a);
    thread_set_state(a, THREAD_INACTIVE);
    schedule();
    assert_ptr_equal(cur_thread(), &this_core()->idle);
    assert_int_equal(this_core()->live_threads, 0);
}

static void test_queue_operations_are_idempotent(void **state)
{
    (void)state;
    struct tcb *a = thread(0, 7), *b = thread(1, 7);
    sched_append(a);
    sched_append(a);
    sched_enqueue(a);
    sched_append(b);
    assert_ptr_equal(this_core()->ready[7].head, a);
    assert_ptr_equal(this_core()->ready[7].tail, b);
    sched_dequeue(a);
    sched_dequeue(a);
    assert_ptr_equal(this_core()->ready[7].head, b);
    sched_dequeue(b);
    assert_null(this_core()->ready[7].head);
    assert_int_equal(this_core()->ready_bitmap[0], 0);
}

static void test_highest_of_many_priorities_runs(void **state)
{
    (void)state;
    struct tcb *a = thread(0, 3), *b = thread(1, 130), *c = thread(2, 255), *d = thread(3, 64);
    sched_append(a);
    sched_append(b);
    sched_append(c);
    sched_append(d);
    thread_set_state(a, THREAD_RUNNING);
    thread_set_state(b, THREAD_RUNNING);
    thread_set_state(c, THREAD_RUNNING);
    thread_set_state(d, THREAD_RUNNING);
    sched_reschedule_required();
    schedule();
    assert_ptr_equal(cur_thread(), c);
    thread_set_state(c, THREAD_INACTIVE);
    schedule();
    assert_ptr_equal(cur_thread(), b);
    thread_set_state(b, THREAD_INACTIVE);
    schedule();
    assert_ptr_equal(cur_thread(), d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_idle_until_a_thread_is_runnable, setup),
        cmocka_unit_test_setup(test_higher_priority_wakeup_preempts, setup),
        cmocka_unit_test_setup(test_lower_priority_wakeup_waits, setup),
        cmocka_unit_test_setup(test_equal_priority_wakeup_does_not_preempt, setup),
        cmocka_unit_test_setup(test_yield_rotates_equal_priorities, setup),
        cmocka_unit_test_setup(test_yield_alone_keeps_running, setup),
        cmocka_unit_test_setup(test_time_slice_expiry_rotates, setup),
        cmocka_unit_test_setup(test_blocking_the_last_thread_idles, setup),
        cmocka_unit_test_setup(test_queue_operations_are_idempotent, setup),
        cmocka_unit_test_setup(test_highest_of_many_priorities_runs, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests of the notification set's core logic (kernel-patch/nset.c), compiled from
 * the kernel's source with stubs for the scheduler and the rest of the kernel. Each test
 * checks one behaviour of docs/notification-set.md and the invariants of nset.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <nset.h>
#include <core.h>

/* ---- stubs ---- */
static int woken, restarted, notified;
static bool interrupt_pending;
static word_t notified_badge;

void thread_set_state(struct tcb *t, enum thread_state s)
{
    if (s == THREAD_RUNNING)
        woken++;
    if (s == THREAD_RESTART)
        restarted++;
    t->state = (uint8_t)s;
}

void sched_possible_switch_to(struct tcb *t)
{
    (void)t;
}

void sched_append(struct tcb *t)
{
    (void)t;
}

void sched_reschedule_required(void) {}

seL4_IPCBuffer *tcb_ipc_buffer(struct tcb *t)
{
    static seL4_IPCBuffer buffers[4];
    return &buffers[t->priority % 4];
}

void ntfn_signal(struct notification *n, word_t badge)
{
    (void)n;
    notified++;
    notified_badge = badge;
}

int cte_delete(struct cte *slot)
{
    memset(slot, 0, sizeof(*slot));
    return 0;
}

bool preemption_point(void)
{
    return interrupt_pending;
}

/* ---- fixtures ---- */
#define SET_BITS 6 /* 64 entries: 62 members */
static char set_memory[1u << (SET_BITS + NSET_ENTRY_BITS)] __attribute__((aligned(1u << 11)));
static struct nset *set = (struct nset *)set_memory;
static struct notification ntfns[62] __attribute__((aligned(32)));
static struct notification composer __attribute__((aligned(32)));
static struct tcb threads[3] __attribute__((aligned(1u << 11)));

static int setup(void **state)
{
    (void)state;
    memset(set_memory, 0, sizeof(set_memory));
    memset(ntfns, 0, sizeof(ntfns));
    memset(threads, 0, sizeof(threads));
    nset_init(set);
    woken = restarted = notified = 0;
    interrupt_pending = false;
    return 0;
}

/* Adds notification i at token i. */
static void add(unsigned i)
{
    nset_add(set, i + NSET_HEADER_ENTRIES, &ntfns[i]);
}

/* What a Signal does to an idle, waiter-less member (the base kernel's part). */
static void signal(unsigned i, word_t badge)
{
    struct notification *n = &ntfns[i];
    if (ntfn_active(n)) {
        n->word |= badge;
        return;
    }
    assert_true(nset_hook_signal(n, badge));
}

/* Takes up to max events into t and returns their count; pairs in t's registers/buffer. */
static unsigned take(struct tcb *t, unsigned max)
{
    return nset_take(set, t, max);
}

static word_t pair_token(struct tcb *t, unsigned i)
{
    unsigned r = 2 * i;
    return r < 4 ? t->frame.x[2 + r] : tcb_ipc_buffer(t)->msg[r];
}

static word_t pair_word(struct tcb *t, unsigned i)
{
    unsigned r = 2 * i + 1;
    return r < 4 ? t->frame.x[2 + r] : tcb_ipc_buffer(t)->msg[r];
}

/* ---- tests ---- */

static void test_signal_makes_a_member_ready_and_wait_consumes_it(void **state)
{
    (void)state;
    add(5);
    signal(5, 0x10);
    assert_true(ntfn_active(&ntfns[5]));
    assert_int_equal(take(&threads[0], 8), 1);
    assert_int_equal(pair_token(&threads[0], 0), 5);
    assert_int_equal(pair_word(&threads[0], 0), 0x10);
    assert_int_equal(threads[0].frame.x[0], 1);
    assert_false(ntfn_active(&ntfns[5]));
    assert_int_equal(ntfns[5].word, 0);
    assert_int_equal(take(&threads[0], 8), 0);
}

static void test_resignalling_a_ready_member_coalesces_in_place(void **state)
{
    (void)state;
    add(1);
    add(2);
    signal(1, 1);
    signal(2, 2);
    signal(1, 4);
    assert_int_equal(take(&threads[0], 8), 2);
    assert_int_equal(pair_token(&threads[0], 0), 1);
    assert_int_equal(pair_word(&threads[0], 0), 5);
    assert_int_equal(pair_token(&threads[0], 1), 2);
}

static void test_ready_members_come_back_in_fifo_order_across_batches(void **state)
{
    (void)state;
    const unsigned order[] = {9, 3, 40, 0, 61, 17};
    for (unsigned i = 0; i < 6; i++) {
        add(order[i]);
        signal(order[i], 1ull << i);
    }
    assert_int_equal(take(&threads[1], 4), 4);
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(pair_token(&threads[1], i), order[i]);
    assert_int_equal(take(&threads[1], 4), 2);
    assert_int_equal(pair_token(&threads[1], 0), order[4]);
    assert_int_equal(pair_word(&threads[1], 1), 1ull << 5);
}

static void test_a_waiting_thread_gets_the_signal_directly(void **state)
{
    (void)state;
    add(7);
    nset_block(set, &threads[0], 4);
    assert_int_equal(threads[0].state, THREAD_BLOCKED_ON_NSET);
    signal(7, 0x80);
    assert_int_equal(woken, 1);
    assert_int_equal(threads[0].frame.x[0], 1);
    assert_int_equal(pair_token(&threads[0], 0), 7);
    assert_int_equal(pair_word(&threads[0], 0), 0x80);
    /* The notification never went Active; nothing is ready. */
    assert_false(ntfn_active(&ntfns[7]));
    assert_int_equal(set->ready_head, NSET_NONE);
}

static void test_each_signal_wakes_one_waiter_in_fifo_order(void **state)
{
    (void)state;
    add(0);
    add(1);
    nset_block(set, &threads[0], 1);
    nset_block(set, &threads[1], 1);
    signal(0, 1);
    assert_int_equal(woken, 1);
    assert_int_equal(threads[0].state, THREAD_RUNNING);
    assert_int_equal(threads[1].state, THREAD_BLOCKED_ON_NSET);
    signal(1, 2);
    assert_int_equal(pair_token(&threads[1], 0), 1);
}

static void test_adding_an_active_notification_makes_it_ready(void **state)
{
    (void)state;
    ntfns[4].word = 0x3;
    ntfns[4].bound = NTFN_ACTIVE;
    add(4);
    assert_int_equal(take(&threads[0], 2), 1);
    assert_int_equal(pair_word(&threads[0], 0), 0x3);
}

static void test_remove_keeps_the_word_and_leaves_the_ready_list(void **state)
{
    (void)state;
    add(2);
    add(3);
    signal(2, 0x5);
    signal(3, 0x6);
    nset_remove(ntfn_member(&ntfns[2]));
    assert_true(ntfn_active(&ntfns[2]));
    assert_int_equal(ntfns[2].word, 0x5);
    assert_int_equal(ntfns[2].bound & ~NTFN_ACTIVE, 0);
    assert_int_equal(set->count, 1);
    assert_int_equal(take(&threads[0], 8), 1);
    assert_int_equal(pair_token(&threads[0], 0), 3);
}

static void test_direct_wait_on_a_member_takes_it_off_the_ready_list(void **state)
{
    (void)state;
    add(8);
    add(9);
    signal(8, 1);
    signal(9, 2);
    /* The base kernel's Wait on the notification consumed it, then calls the hook. */
    ntfns[8].word = 0;
    ntfns[8].bound &= ~NTFN_ACTIVE;
    nset_hook_consumed(&ntfns[8]);
    assert_int_equal(take(&threads[0], 8), 1);
    assert_int_equal(pair_token(&threads[0], 0), 9);
}

static void test_deleting_a_member_removes_it(void **state)
{
    (void)state;
    add(10);
    signal(10, 1);
    nset_hook_ntfn_deleted(&ntfns[10]);
    assert_int_equal(set->count, 0);
    assert_int_equal(take(&threads[0], 8), 0);
}

static void test_cancelling_a_wait_leaves_the_queue(void **state)
{
    (void)state;
    nset_block(set, &threads[0], 1);
    nset_block(set, &threads[1], 1);
    nset_hook_cancel_wait(&threads[0]);
    add(0);
    signal(0, 1);
    assert_int_equal(threads[1].state, THREAD_RUNNING);
}

static void test_composition_notification_fires_on_empty_to_non_empty_only(void **state)
{
    (void)state;
    set->notify_slot.cap = cap_make(CAP_NOTIFICATION, &composer, CAP_RIGHTS_ALL, 0, false, 0x42);
    add(0);
    add(1);
    signal(0, 1);
    assert_int_equal(notified, 1);
    assert_int_equal(notified_badge, 0x42);
    signal(1, 1); /* already non-empty */
    assert_int_equal(notified, 1);
    take(&threads[0], 8);
    nset_block(set, &threads[0], 1);
    signal(0, 1); /* a waiter takes it: nothing to announce */
    assert_int_equal(notified, 1);
}

static void test_teardown_restarts_waiters_and_detaches_members(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 62; i++)
        add(i);
    signal(3, 0x8);
    nset_block(set, &threads[2], 1); /* cannot happen with members ready; tests restart */
    assert_int_equal(nset_teardown(set, 64), 0);
    assert_int_equal(restarted, 1);
    for (unsigned i = 0; i < 62; i++)
        assert_int_equal(ntfns[i].bound & ~NTFN_ACTIVE, 0);
    assert_true(ntfn_active(&ntfns[3]));
    assert_int_equal(ntfns[3].word, 0x8);
    assert_int_equal(set->count, 0);
}

static void test_teardown_stops_at_a_pending_interrupt_and_resumes(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 62; i++)
        add(i);
    interrupt_pending = true;
    assert_int_equal(nset_teardown(set, 64), ERR_PREEMPTED);
    assert_true(set->count > 0 && set->count < 62);
    /* A signal meanwhile leaves the member a plain Active notification to be. */
    signal(0, 1);
    assert_true(ntfn_active(&ntfns[0]));
    interrupt_pending = false;
    assert_int_equal(nset_teardown(set, 64), 0);
    assert_int_equal(set->count, 0);
    for (unsigned i = 0; i < 62; i++)
        assert_int_equal(ntfns[i].bound & ~NTFN_ACTIVE, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_signal_makes_a_member_ready_and_wait_consumes_it, setup),
        cmocka_unit_test_setup(test_resignalling_a_ready_member_coalesces_in_place, setup),
        cmocka_unit_test_setup(test_ready_members_come_back_in_fifo_order_across_batches, setup),
        cmocka_unit_test_setup(test_a_waiting_thread_gets_the_signal_directly, setup),
        cmocka_unit_test_setup(test_each_signal_wakes_one_waiter_in_fifo_order, setup),
        cmocka_unit_test_setup(test_adding_an_active_notification_makes_it_ready, setup),
        cmocka_unit_test_setup(test_remove_keeps_the_word_and_leaves_the_ready_list, setup),
        cmocka_unit_test_setup(test_direct_wait_on_a_member_takes_it_off_the_ready_list, setup),
        cmocka_unit_test_setup(test_deleting_a_member_removes_it, setup),
        cmocka_unit_test_setup(test_cancelling_a_wait_leaves_the_queue, setup),
        cmocka_unit_test_setup(test_composition_notification_fires_on_empty_to_non_empty_only,
                               setup),
        cmocka_unit_test_setup(test_teardown_restarts_waiters_and_detaches_members, setup),
        cmocka_unit_test_setup(test_teardown_stops_at_a_pending_interrupt_and_resumes, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

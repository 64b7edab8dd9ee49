/*
 * Part of the libnotifyset suite (test_notifyset.c): every error of the API, each leaving
 * the set as it was, and ns_remove of a member whose signal has not been collected (the
 * signal must come out exactly once: as an event, or in the notification's word).
 */
#include <stdio.h>
#include "ns_test.h"

static int tags[8];

/* Errors of ns_add, ns_add_owned and ns_remove, then a check that the set still works. */
static void test_add_remove_errors(void)
{
    nst_progress("add/remove errors");
    struct nst_member m[3];
    struct rt_object ep, ntfn, tcb;
    seL4_CPtr empty = 0, write_only = 0;
    seL4_Word token = 0;
    ns_set_t *set = nst_set(2, 0), *other = nst_set(2, 0);
    if (!set || !other || nst_members_make(m, 3))
        return;
    rt_object_alloc(seL4_EndpointObject, 0, &ep);
    rt_object_alloc(seL4_NotificationObject, 0, &ntfn);
    rt_object_alloc(seL4_TCBObject, 0, &tcb);
    rt_cspace_alloc(&empty);
    rt_cspace_alloc(&write_only);
    seL4_CNode_Mint(rt_cspace_root(), write_only, RT_CSPACE_DEPTH, rt_cspace_root(), ntfn.cap,
                    RT_CSPACE_DEPTH, seL4_CanWrite, 5);

    CHECK_EQ(ns_add(set, ep.cap, NULL, &token), -seL4_InvalidCapability,
             "ns_add of an endpoint cap: InvalidCapability");
    CHECK_EQ(ns_add(set, empty, NULL, &token), -seL4_InvalidCapability,
             "ns_add of an empty slot: InvalidCapability");
    CHECK_EQ(ns_add(set, write_only, NULL, &token), -seL4_InvalidCapability,
             "ns_add of a notification cap without the read right: InvalidCapability");
    CHECK_EQ(ns_add(set, ntfn.cap, NULL, NULL), -seL4_InvalidArgument, "no token pointer");
    CHECK_EQ(ns_add(NULL, ntfn.cap, NULL, &token), -seL4_InvalidArgument, "no set");

    CHECK_EQ(nst_add(set, &m[0], &tags[0]), 0, "member 1 of 2");
    CHECK_EQ(nst_add(set, &m[1], &tags[1]), 0, "member 2 of 2");
    CHECK_EQ(nst_add(set, &m[2], &tags[2]), -seL4_NotEnoughMemory, "a full set: NotEnoughMemory");
    seL4_CPtr taken = ns_test_config.owned ? m[0].sig : write_only;
    CHECK_EQ(ns_add_owned(other, taken, NULL, &token), -seL4_DeleteFirst,
             "ns_add_owned into a slot that is in use: DeleteFirst");

    /* What only the kernel object can see (docs/api.md, "Differences"). */
    bool kernel = nst_is_kernel(set);
    int first = ns_add(other, ntfn.cap, NULL, &token);
    seL4_Word token2 = 0;
    int second = ns_add(other, ntfn.cap, NULL, &token2);
    CHECK(first == 0 && second == (kernel ? -seL4_IllegalOperation : 0),
          kernel ? "kernel: a notification already in a set: IllegalOperation"
                 : "fallback: the same notification may be added twice (it cannot tell)");
    if (second == 0)
        ns_remove(other, token2);
    ns_remove(other, token);
    seL4_TCB_BindNotification(tcb.cap, ntfn.cap);
    int bound = ns_add(other, ntfn.cap, NULL, &token);
    CHECK_EQ(bound, kernel ? -seL4_IllegalOperation : 0,
             kernel ? "kernel: a notification bound to a TCB: IllegalOperation"
                    : "fallback: a bound notification is accepted (it cannot tell)");
    if (bound == 0)
        ns_remove(other, token);
    seL4_TCB_UnbindNotification(tcb.cap);

    CHECK_EQ(ns_remove(set, 12345), -seL4_FailedLookup, "ns_remove of a token out of range");
    CHECK_EQ(ns_remove(set, 4), -seL4_FailedLookup, "ns_remove of the library's own token");
    seL4_Word unused = m[0].token == 0 && m[1].token == 1 ? 2 : 3;
    CHECK_EQ(ns_remove(set, unused), -seL4_FailedLookup, "ns_remove of a free token");
    CHECK_EQ(ns_remove(NULL, 0), -seL4_InvalidArgument, "ns_remove without a set");

    struct ns_event ev[4];
    nst_signal(&m[1]);
    int n = ns_poll(set, ev, 4);
    CHECK(n == 1 && ev[0].user == &tags[1] && ev[0].token == m[1].token,
          "after all that the set works as before");
    CHECK_EQ(nst_remove(set, &m[0]), 0, "removed");
    CHECK_EQ(ns_remove(set, m[0].token), -seL4_FailedLookup, "removed twice: FailedLookup");
    nst_remove(set, &m[1]);
    ns_set_destroy(set);
    ns_set_destroy(other);
    nst_members_free(m, 3);
    rt_object_free(&ep);
    rt_object_free(&ntfn);
    rt_object_free(&tcb);
    rt_cspace_free(empty);
    rt_cspace_free(write_only);
}

static void test_wait_errors(void)
{
    nst_progress("wait errors");
    struct ns_event ev[NS_MAX_EVENTS + 1];
    ns_set_t *set = nst_set(2, 0);
    if (!set)
        return;
    CHECK_EQ(ns_wait(set, ev, 0), -seL4_RangeError, "ns_wait with max 0: RangeError");
    CHECK_EQ(ns_wait(set, ev, NS_MAX_EVENTS + 1), -seL4_RangeError, "max 61: RangeError");
    CHECK_EQ(ns_poll(set, ev, 0), -seL4_RangeError, "ns_poll with max 0: RangeError");
    CHECK_EQ(ns_poll(set, NULL, 1), -seL4_InvalidArgument, "no event array: InvalidArgument");
    CHECK_EQ(ns_poll(NULL, ev, 1), -seL4_InvalidArgument, "no set: InvalidArgument");
    CHECK_EQ(ns_poll(set, ev, NS_MAX_EVENTS), 0, "max 60 is allowed");
    CHECK_EQ(ns_set_destroy(NULL), -seL4_InvalidArgument, "destroying no set");
    ns_set_destroy(set);
}

/*
 * Remove right after a signal nobody collected: with the helpers above the remover (a
 * helper took the word and blocks in Send) and below it (a helper took the word and has
 * not run since). Two signals with different badges: each badge bit must come out exactly
 * once, as a reported event (with the removed member's pointer) or in the notification.
 */
static void remove_outstanding(seL4_Word helper_prio, const char *what)
{
    struct nst_member m;
    struct ns_event ev[NS_MAX_EVENTS];
    ns_set_t *set = nst_set(2, helper_prio);
    if (!set || nst_members_make(&m, 1) || nst_add(set, &m, &tags[5]))
        return;
    seL4_Word old = m.token;
    seL4_CPtr b2 = nst_badged(&m, 2);
    /* Let the helpers run up to their Wait: a helper below the remover then takes the word
     * at the Signal but does not run again before the removal stops it. */
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 1);
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, NS_TEST_PRIO);
    nst_signal(&m);
    if (b2)
        seL4_Signal(b2);
    CHECK_EQ(nst_remove(set, &m), 0, what);
    int n = nst_drain(set, NS_MAX_EVENTS, ev, NS_MAX_EVENTS);
    seL4_Word reported = 0, word = nst_word(&m);
    bool right = true;
    for (int i = 0; i < n && i < NS_MAX_EVENTS; i++) {
        right = right && ev[i].user == &tags[5] && ev[i].token == old;
        reported |= ev[i].badge;
    }
    seL4_Word want = b2 ? 3 : 1;
    CHECK(right, "an event reported after the removal carries the member's pointer and token");
    CHECK((reported | word) == want && (reported & word) == 0,
          "each signal comes out exactly once: reported, or left in the notification");
    if (nst_is_kernel(set) && !ns_test_config.owned)
        CHECK(n == 0 && word == want, "kernel: the word stays in the notification");
    else if (ns_test_config.owned)
        CHECK(n == 1 && reported == 1, "owned member: the signal is reported");
    else
        CHECK(n == 1 && reported == 1 && word == 2,
              "fallback: the word its helper had taken is reported, the rest stays");
    if (b2) {
        rt_cspace_delete(b2);
        rt_cspace_free(b2);
    }
    ns_set_destroy(set);
    nst_members_free(&m, 1);
}

void nst_error_tests(void)
{
    test_add_remove_errors();
    test_wait_errors();
    nst_progress("remove with a signal outstanding");
    remove_outstanding(0, "removed after a signal (helpers above the remover)");
    remove_outstanding(NS_TEST_PRIO - 10, "removed after a signal (helpers below the remover)");
}

/*
 * Notification sets: every error of docs/kernel-api.md ("Notification sets"), each
 * asserted, and after each group a check that the failed calls changed nothing (the
 * members, which ones are ready and with what word, the words of non-members):
 *  - Add: a cap that is not a notification (endpoint, set, empty slot), a notification
 *    cap without read, a set cap without write (also for Remove, RemoveNotification,
 *    SetNotification), token >= capacity (also 2^32, which must not wrap to 0), a full set
 *    (NotEnoughMemory), a token in use (DeleteFirst), a notification already in this or
 *    another set, a notification bound to a TCB (IllegalOperation);
 *  - BindNotification of a member (idle or ready): IllegalOperation;
 *  - Remove: token out of range (RangeError), a stale token (FailedLookup);
 *  - RemoveNotification: not a notification cap (InvalidCapability), a notification that
 *    is not in this set (InvalidArgument); no right on the notification cap is needed;
 *  - Wait/Poll: max 0, 61, 2^32 and ~0 (RangeError, nothing consumed); max 3 from a thread
 *    without an IPC buffer (RangeError; max 2 works there); a set cap without read, a TCB
 *    cap, an empty slot (capability fault: InvalidCapability);
 *  - an invocation with a label that is not a set operation (IllegalOperation), set labels
 *    on a TCB cap (IllegalOperation), missing arguments (TruncatedMessage).
 */
#include <stdio.h>
#include "nset_util.h"
#include "testlib.h"

#define ROOT_PRIO 100
#define HIGH_PRIO 150

static seL4_CPtr set, set_ro, set_wo, set2;
static seL4_CPtr m0, m1, s2m, f, f_wo, ep, bn, tcb;
static seL4_CPtr m0_sig, m1_sig, f_sig; /* badges 0x1, 0x4, 0x2 */
static seL4_NotificationSetEvent ev[seL4_NotificationSetMaxEvents];
static struct nset_job job;

/* The state every error must leave alone: m0 ready at token 0 with word 0x1, m1 idle at
 * token 1, set2 with its member idle, f a plain Active notification with word 0x2. It is
 * observed by consuming it, then restored. */
static void check_state(const char *after)
{
    char what[120];
    bool ok = seL4_NotificationSet_Poll(set, 60, ev) == 1 && ev[0].token == 0 && ev[0].word == 1;
    ok = ok && nset_ntfn_poll(f) == 2 && seL4_NotificationSet_Poll(set2, 60, ev) == 0;
    seL4_Signal(m1_sig);
    ok = ok && seL4_NotificationSet_Poll(set, 60, ev) == 1 && ev[0].token == 1 && ev[0].word == 4;
    seL4_Signal(m0_sig);
    seL4_Signal(f_sig);
    snprintf(what, sizeof(what), "nothing changed after %s", after);
    CHECK(ok, what);
}

static seL4_Error invoke(seL4_CPtr cap, seL4_Word label, seL4_Word ncaps, seL4_Word n,
                         seL4_Word mr0)
{
    seL4_Word mr[1] = {mr0};
    return seL4_Invoke_(cap, label, ncaps, n, mr, NULL);
}

static void test_add_caps(void)
{
    ipc_stage("add: caps and rights");
    CHECK_EQ(seL4_NotificationSet_Add(set, ep, 2), seL4_InvalidCapability,
             "Add of an endpoint cap: InvalidCapability");
    CHECK_EQ(seL4_NotificationSet_Add(set, set2, 2), seL4_InvalidCapability,
             "Add of a set cap: InvalidCapability");
    CHECK_EQ(seL4_NotificationSet_Add(set, kobj_slot(), 2), seL4_InvalidCapability,
             "Add of an empty slot: InvalidCapability");
    CHECK_EQ(seL4_NotificationSet_Add(set, f_wo, 2), seL4_InvalidCapability,
             "Add of a notification cap without read right: InvalidCapability");
    CHECK_EQ(seL4_NotificationSet_Add(set_ro, f, 2), seL4_InvalidCapability,
             "Add through a set cap without write right: InvalidCapability");
    CHECK_EQ(seL4_NotificationSet_Remove(set_ro, 0), seL4_InvalidCapability,
             "Remove through a set cap without write right: InvalidCapability");
    CHECK_EQ(seL4_NotificationSet_RemoveNotification(set_ro, m0), seL4_InvalidCapability,
             "RemoveNotification through a set cap without write right: InvalidCapability");
    CHECK_EQ(seL4_NotificationSet_SetNotification(set_ro, f), seL4_InvalidCapability,
             "SetNotification through a set cap without write right: InvalidCapability");
    CHECK_EQ(seL4_NotificationSet_Add(set_wo, f, 2), seL4_NoError,
             "(a write-only set cap can Add)");
    CHECK_EQ(seL4_NotificationSet_Remove(set_wo, 2), seL4_NoError, "(and Remove)");
    seL4_Signal(f_sig);
    check_state("the cap and right errors of Add/Remove");
}

static void test_add_args(void)
{
    ipc_stage("add: tokens and membership");
    CHECK_EQ(seL4_NotificationSet_Add(set, f, 6), seL4_RangeError,
             "Add at token 6 = capacity: RangeError");
    CHECK_EQ(seL4_NotificationSet_Add(set, f, (seL4_Word)1 << 32), seL4_RangeError,
             "Add at token 2^32: RangeError (not wrapped to 0)");
    CHECK_EQ(seL4_NotificationSet_Add(set, f, ~(seL4_Word)0), seL4_RangeError,
             "Add at token ~0: RangeError");
    CHECK_EQ(seL4_NotificationSet_Add(set, f, 1), seL4_DeleteFirst,
             "Add at a token in use: DeleteFirst");
    CHECK_EQ(seL4_NotificationSet_Add(set, m1, 3), seL4_IllegalOperation,
             "Add of a member of this set at another token: IllegalOperation");
    CHECK_EQ(seL4_NotificationSet_Add(set, m0, 0), seL4_DeleteFirst,
             "Add of a member at its own token: DeleteFirst (the token is in use)");
    CHECK_EQ(seL4_NotificationSet_Add(set2, m1, 1), seL4_IllegalOperation,
             "Add of a member of another set: IllegalOperation");
    CHECK_EQ(seL4_NotificationSet_Add(set, s2m, 3), seL4_IllegalOperation,
             "Add of another set's member: IllegalOperation");
    CHECK_EQ(seL4_NotificationSet_Add(set, bn, 3), seL4_IllegalOperation,
             "Add of a notification bound to a TCB: IllegalOperation");
    CHECK_EQ(seL4_TCB_BindNotification(tcb, m1), seL4_IllegalOperation,
             "BindNotification of an idle member: IllegalOperation");
    CHECK_EQ(seL4_TCB_BindNotification(tcb, m0), seL4_IllegalOperation,
             "BindNotification of a ready member: IllegalOperation");
    check_state("the token and membership errors of Add");

    seL4_CPtr fill = nset_ntfns(4);
    bool ok = true;
    for (seL4_Word i = 0; i < 4; i++)
        ok = ok && seL4_NotificationSet_Add(set, fill + i, 2 + i) == seL4_NoError;
    CHECK(ok, "fill the set: tokens 2..5 (capacity 6)");
    CHECK_EQ(seL4_NotificationSet_Add(set, f, 3), seL4_NotEnoughMemory,
             "Add to a full set: NotEnoughMemory");
    CHECK_EQ(seL4_NotificationSet_Add(set, f, 6), seL4_RangeError,
             "Add to a full set at token 6: RangeError");
    for (seL4_Word i = 0; i < 4; i++)
        ok = ok && seL4_NotificationSet_Remove(set, 2 + i) == seL4_NoError;
    CHECK(ok, "remove the fillers");
    check_state("Add to a full set");
}

static void test_remove(void)
{
    ipc_stage("remove");
    CHECK_EQ(seL4_NotificationSet_Remove(set, 6), seL4_RangeError,
             "Remove of token 6 = capacity: RangeError");
    CHECK_EQ(seL4_NotificationSet_Remove(set, (seL4_Word)1 << 32), seL4_RangeError,
             "Remove of token 2^32: RangeError (not wrapped to 0)");
    CHECK_EQ(seL4_NotificationSet_Remove(set, 3), seL4_FailedLookup,
             "Remove of a token never used: FailedLookup");
    seL4_NotificationSet_Add(set, f, 3);
    seL4_NotificationSet_Remove(set, 3);
    CHECK_EQ(seL4_NotificationSet_Remove(set, 3), seL4_FailedLookup,
             "Remove of a stale token: FailedLookup");
    seL4_Signal(f_sig);
    CHECK_EQ(seL4_NotificationSet_RemoveNotification(set, f), seL4_InvalidArgument,
             "RemoveNotification of a notification in no set: InvalidArgument");
    CHECK_EQ(seL4_NotificationSet_RemoveNotification(set, s2m), seL4_InvalidArgument,
             "RemoveNotification of another set's member: InvalidArgument");
    CHECK_EQ(seL4_NotificationSet_RemoveNotification(set, ep), seL4_InvalidCapability,
             "RemoveNotification of an endpoint cap: InvalidCapability");
    CHECK_EQ(seL4_NotificationSet_RemoveNotification(set, set2), seL4_InvalidCapability,
             "RemoveNotification of a set cap: InvalidCapability");
    CHECK_EQ(seL4_NotificationSet_RemoveNotification(set, kobj_slot()), seL4_InvalidCapability,
             "RemoveNotification of an empty slot: InvalidCapability");
    check_state("the errors of Remove and RemoveNotification");
    seL4_CPtr none = ipc_mint(m1, seL4_NoRights, 0);
    CHECK_EQ(seL4_NotificationSet_RemoveNotification(set, none), seL4_NoError,
             "RemoveNotification through a notification cap with no rights works");
    CHECK_EQ(seL4_NotificationSet_Add(set, m1, 1), seL4_NoError, "(Add it back)");
}

static void test_wait_poll(void)
{
    ipc_stage("wait/poll");
    static const seL4_Word bad[4] = {0, 61, (seL4_Word)1 << 32, ~(seL4_Word)0};
    char what[120];
    for (int i = 0; i < 4; i++) {
        snprintf(what, sizeof(what), "Poll and Wait with max %#lx: -RangeError",
                 (unsigned long)bad[i]);
        CHECK(seL4_NotificationSet_Poll(set, bad[i], ev) == -seL4_RangeError &&
                  seL4_NotificationSet_Wait(set, bad[i], ev) == -seL4_RangeError,
              what);
    }
    check_state("Wait/Poll with a bad max (nothing consumed)");
    CHECK_EQ(seL4_NotificationSet_Poll(set_wo, 1, ev), -seL4_InvalidCapability,
             "Poll through a set cap without read right: -InvalidCapability");
    CHECK_EQ(seL4_NotificationSet_Wait(set_wo, 1, ev), -seL4_InvalidCapability,
             "Wait through it: -InvalidCapability, at once");
    CHECK_EQ(seL4_NotificationSet_Wait(tcb, 1, ev), -seL4_InvalidCapability,
             "Wait on a TCB cap: -InvalidCapability");
    CHECK_EQ(seL4_NotificationSet_Poll(kobj_slot(), 1, ev), -seL4_InvalidCapability,
             "Poll on an empty slot: -InvalidCapability");
    check_state("Wait/Poll through bad caps");
    int got = seL4_NotificationSet_Wait(set_ro, 60, ev);
    CHECK(got == 1 && ev[0].token == 0 && ev[0].word == 1,
          "(a read-only set cap can Wait: it returns the ready member)");
    seL4_Signal(m0_sig);

    /* A thread without an IPC buffer: only two pairs fit in its registers. */
    nset_job_init(&job, 1, set, 3);
    job.no_buffer = true;
    job.poll = true;
    nset_job_start(&job, HIGH_PRIO);
    CHECK(job.done == 1 && job.n == -seL4_RangeError,
          "Poll with max 3 from a thread without an IPC buffer: -RangeError");
    nset_job_init(&job, 2, set, 3);
    job.no_buffer = true;
    nset_job_start(&job, HIGH_PRIO);
    CHECK(job.done == 1 && job.n == -seL4_RangeError,
          "Wait with max 3 from it: -RangeError, without blocking");
    check_state("Wait/Poll with max 3 without an IPC buffer");
    nset_job_init(&job, 3, set, 2);
    job.no_buffer = true;
    job.poll = true;
    nset_job_start(&job, HIGH_PRIO);
    CHECK(job.done == 1 && job.n == 1 && job.ev[0].token == 0 && job.ev[0].word == 1,
          "Poll with max 2 from a thread without an IPC buffer works");
    seL4_Signal(m0_sig);
}

static void test_labels(void)
{
    ipc_stage("labels");
    CHECK_EQ(invoke(set, TCBSuspend, 0, 0, 0), seL4_IllegalOperation,
             "a set cap invoked with a TCB label: IllegalOperation");
    CHECK_EQ(invoke(set, InvalidInvocation, 0, 0, 0), seL4_IllegalOperation,
             "... with label 0: IllegalOperation");
    CHECK_EQ(seL4_NotificationSet_Add(tcb, f, 2), seL4_IllegalOperation,
             "Add invoked on a TCB cap: IllegalOperation");
    CHECK_EQ(seL4_NotificationSet_Remove(kobj_slot(), 0), seL4_InvalidCapability,
             "Remove invoked on an empty slot: InvalidCapability");
    seL4_SetCap(0, f);
    CHECK_EQ(invoke(set, NotificationSetAdd, 1, 0, 2), seL4_TruncatedMessage,
             "Add without its token: TruncatedMessage");
    CHECK_EQ(invoke(set, NotificationSetAdd, 0, 1, 2), seL4_TruncatedMessage,
             "Add without its notification cap: TruncatedMessage");
    CHECK_EQ(invoke(set, NotificationSetRemove, 0, 0, 0), seL4_TruncatedMessage,
             "Remove without its token: TruncatedMessage");
    CHECK_EQ(invoke(set, NotificationSetRemoveNotification, 0, 0, 0), seL4_TruncatedMessage,
             "RemoveNotification without its cap: TruncatedMessage");
    CHECK_EQ(invoke(set, NotificationSetSetNotification, 0, 0, 0), seL4_TruncatedMessage,
             "SetNotification without its cap: TruncatedMessage");
    check_state("invocations with bad labels or missing arguments");
}

int main(void)
{
    test_begin("nset_errors");
    kobj_set_my_prio(ROOT_PRIO);
    ipc_watchdog_start();
    set = nset_new(3);
    set2 = nset_new(3);
    set_ro = ipc_mint(set, seL4_CanRead, 0);
    set_wo = ipc_mint(set, seL4_CanWrite, 0);
    seL4_CPtr n = nset_ntfns(5);
    m0 = n;
    m1 = n + 1;
    s2m = n + 2;
    f = n + 3;
    bn = n + 4;
    f_wo = ipc_mint(f, seL4_CanWrite, 0);
    m0_sig = ipc_mint(m0, seL4_AllRights, 1);
    m1_sig = ipc_mint(m1, seL4_AllRights, 4);
    f_sig = ipc_mint(f, seL4_AllRights, 2);
    ep = kobj_new(seL4_EndpointObject, 0);
    tcb = kobj_new(seL4_TCBObject, 0);
    seL4_CPtr tcb_b = kobj_new(seL4_TCBObject, 0);
    CHECK(set && set2 && set_ro && set_wo && f_wo && m0_sig && m1_sig && f_sig && ep && tcb &&
              seL4_NotificationSet_Add(set, m0, 0) == seL4_NoError &&
              seL4_NotificationSet_Add(set, m1, 1) == seL4_NoError &&
              seL4_NotificationSet_Add(set2, s2m, 0) == seL4_NoError &&
              seL4_TCB_BindNotification(tcb_b, bn) == seL4_NoError,
          "two sets of capacity 6, members, a free notification, a bound one");
    seL4_Signal(m0_sig);
    seL4_Signal(f_sig);
    check_state("setting up (the checker itself)");
    test_add_caps();
    test_add_args();
    test_remove();
    test_wait_poll();
    test_labels();
    CHECK_EQ(seL4_TCB_BindNotification(tcb, kobj_new(seL4_NotificationObject, 0)), seL4_NoError,
             "the refused BindNotifications left the TCB unbound");
    test_finish();
}

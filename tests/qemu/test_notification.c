/*
 * Notifications (docs/kernel-api.md, "Notifications"; seL4 semantics where it is silent):
 *  - Poll on an idle notification returns 0; Signal makes it active, Poll/Wait return the
 *    word and clear it; badges of several Signals before a Wait are OR-ed;
 *  - Signal with a waiter hands the badge straight to it (nothing stays pending) and a
 *    higher-priority waiter runs at once; several waiters are woken one per Signal in
 *    FIFO order;
 *  - rights: Signal through a read-only cap changes nothing; Wait/Poll through a
 *    write-only cap are capability faults (label seL4_InvalidCapability, no block);
 *  - TCB binding: a thread blocked in Recv on an endpoint is woken by a Signal on its
 *    bound notification (badge in x0, empty message); a pending signal is taken by Recv
 *    before a blocked sender's message; after Unbind a Signal no longer wakes it;
 *  - BindNotification/UnbindNotification errors;
 *  - deleting a notification restarts its waiters (their Wait then fails) and unbinds its
 *    thread;
 *  - Signal and Wait across address spaces: a thread in a VSpace of its own signals a
 *    notification we poll, and waits on one we signal.
 */
#include "ipc_util.h"
#include "testlib.h"

#define ROOT_PRIO 100
#define HIGH_PRIO 150

static seL4_CPtr ntfn, ep;
static seL4_CPtr n1, n2, n4; /* ntfn minted with badges 1, 2, 4 */
static struct ipc_job jobs[4];

#define NO_MSG seL4_MessageInfo_new(0, 0, 0, 0)

static seL4_Word poll(seL4_CPtr cap)
{
    seL4_Word badge = 0xbad;
    seL4_Poll(cap, &badge);
    return badge;
}

/* A thread at HIGH_PRIO doing sysno (Recv = Wait, NBRecv = Poll) on cap. */
static struct ipc_job *waiter(int i, seL4_Word sysno, seL4_CPtr cap)
{
    struct ipc_job *j = ipc_job_init(&jobs[i], (seL4_Word)i + 1, sysno, cap, 0, 0, 0);
    ipc_job_start(j, HIGH_PRIO);
    return j;
}

static void test_signal_wait(void)
{
    ipc_stage("signal/wait/poll");
    seL4_Word badge;
    CHECK_EQ(poll(ntfn), 0, "Poll on an idle notification returns 0");
    seL4_Signal(n1);
    CHECK_EQ(poll(ntfn), 1, "Signal then Poll returns the badge");
    CHECK_EQ(poll(ntfn), 0, "Poll cleared it");
    seL4_Signal(n1);
    seL4_Signal(n4);
    seL4_Signal(n4);
    seL4_Wait(ntfn, &badge);
    CHECK_EQ(badge, 5, "several Signals before a Wait: Wait returns the OR of their badges");
    CHECK_EQ(poll(ntfn), 0, "Wait cleared the word");

    struct ipc_job *w = waiter(0, seL4_SysRecv, ntfn);
    CHECK_EQ(w->done, 0, "Wait on an idle notification blocks");
    seL4_Signal(n2);
    CHECK_EQ(w->done, 1, "Signal wakes the higher-priority waiter at once");
    CHECK_EQ(w->got.badge, 2, "the waiter got the badge");
    CHECK_EQ(poll(ntfn), 0, "the badge was handed over, nothing stayed pending");

    static const seL4_Word ids[3] = {1, 2, 3};
    for (int i = 0; i < 3; i++)
        waiter(i, seL4_SysRecv, ntfn);
    ipc_order_len = 0;
    seL4_Signal(n1);
    CHECK(jobs[0].done && !jobs[1].done && !jobs[2].done,
          "with three waiters one Signal wakes exactly one, the first");
    seL4_Signal(n2);
    seL4_Signal(n4);
    CHECK(ipc_order_is(ids, 3), "the others are woken one per Signal in FIFO order");
    CHECK(jobs[0].got.badge == 1 && jobs[1].got.badge == 2 && jobs[2].got.badge == 4,
          "each got the badge of its own Signal");
    CHECK_EQ(poll(ntfn), 0, "nothing is pending afterwards");

    w = waiter(3, seL4_SysNBRecv, ntfn);
    CHECK(w->done && w->got.badge == 0, "Poll from another thread on an idle one returns 0");
}

static void test_rights(void)
{
    ipc_stage("rights");
    seL4_CPtr ro = ipc_mint(ntfn, seL4_CanRead, 8), wo = ipc_mint(ntfn, seL4_CanWrite, 8);
    struct ipc_job *w = waiter(0, seL4_SysRecv, ntfn);
    ipc_syscall(seL4_SysSend, ro, NO_MSG, NULL);
    CHECK_EQ(w->done, 0, "Signal through a read-only cap does not wake a waiter");
    seL4_Word label = seL4_MessageInfo_get_label(ipc_syscall(seL4_SysCall, ro, NO_MSG, NULL));
    CHECK_EQ(label, seL4_InvalidCapability, "Call through a read-only cap: InvalidCapability");
    CHECK_EQ(w->done, 0, "... and does not wake it either");
    seL4_Signal(wo);
    CHECK(w->done && w->got.badge == 8, "a write-only cap signals");
    seL4_Signal(ro);
    CHECK_EQ(poll(ntfn), 0, "Signal through a read-only cap leaves the word unchanged");

    w = waiter(1, seL4_SysRecv, wo);
    CHECK(w->done && w->got.label == seL4_InvalidCapability,
          "Wait through a write-only cap returns at once with InvalidCapability");
    seL4_Signal(n1);
    w = waiter(2, seL4_SysNBRecv, wo);
    CHECK(w->done && w->got.label == seL4_InvalidCapability,
          "Poll through a write-only cap: InvalidCapability");
    CHECK_EQ(poll(ro), 1, "... and it did not consume the pending signal");
}

/* A job on an existing (bound) TCB. */
static struct ipc_job *bound_job(int i, seL4_CPtr tcb, seL4_Word sysno, seL4_CPtr cap)
{
    struct ipc_job *j = ipc_job_init(&jobs[i], (seL4_Word)i + 1, sysno, cap, 0, 0, 0);
    j->thread.tcb = tcb;
    ipc_job_start(j, HIGH_PRIO);
    return j;
}

static void test_binding(void)
{
    ipc_stage("binding");
    seL4_CPtr bn = kobj_new(seL4_NotificationObject, 0), tcb = kobj_new(seL4_TCBObject, 0);
    seL4_CPtr bn8 = ipc_mint(bn, seL4_AllRights, 8), bn2 = ipc_mint(bn, seL4_AllRights, 2);
    seL4_CPtr ep55 = ipc_mint(ep, seL4_AllRights, 0x55), ep66 = ipc_mint(ep, seL4_AllRights, 0x66);

    CHECK_EQ(seL4_TCB_BindNotification(tcb, bn), seL4_NoError, "BindNotification");
    struct ipc_job *t = bound_job(0, tcb, seL4_SysRecv, ep);
    CHECK_EQ(t->done, 0, "the bound thread blocks in Recv on an endpoint");
    seL4_Signal(bn8);
    CHECK(t->done && t->got.badge == 8,
          "a Signal on its bound notification wakes it (badge in x0)");
    CHECK(t->got.label == 0 && t->got.length == 0 && t->got.extra_caps == 0,
          "the message info of that wake-up is empty");

    t = bound_job(0, tcb, seL4_SysRecv, ep);
    ipc_set_mrs(1, 0x33);
    seL4_Send(ep55, seL4_MessageInfo_new(0x34, 0, 0, 1));
    CHECK(t->done && t->got.badge == 0x55 && t->got.label == 0x34 && t->got.mr[0] == 0x33,
          "the bound thread still receives endpoint messages");

    struct ipc_job *s = ipc_job_init(&jobs[1], 2, seL4_SysSend, ep66, 0x35, 1, 0x36);
    ipc_job_start(s, HIGH_PRIO);
    seL4_Signal(bn2);
    t = bound_job(0, tcb, seL4_SysRecv, ep);
    CHECK(t->done && t->got.badge == 2 && t->got.label == 0,
          "with a signal pending and a sender blocked, Recv takes the signal first");
    CHECK_EQ(s->done, 0, "the sender is still blocked");
    t = bound_job(0, tcb, seL4_SysRecv, ep);
    CHECK(t->done && t->got.badge == 0x66 && t->got.label == 0x35 && s->done,
          "the next Recv gets the sender's message");

    CHECK_EQ(seL4_TCB_UnbindNotification(tcb), seL4_NoError, "UnbindNotification");
    CHECK_EQ(seL4_TCB_UnbindNotification(tcb), seL4_IllegalOperation,
             "UnbindNotification of an unbound thread: IllegalOperation");
    t = bound_job(0, tcb, seL4_SysRecv, ep);
    seL4_Signal(bn8);
    CHECK_EQ(t->done, 0, "after Unbind a Signal no longer wakes the thread");
    CHECK_EQ(poll(bn), 8, "the signal stayed pending on the notification");
    seL4_Send(ep, seL4_MessageInfo_new(0x37, 0, 0, 0));
    CHECK(t->done && t->got.label == 0x37, "the thread is released by an endpoint message");

    /* Errors. */
    seL4_CPtr tcb2 = kobj_new(seL4_TCBObject, 0), other = kobj_new(seL4_NotificationObject, 0);
    seL4_CPtr other_wo = ipc_mint(other, seL4_CanWrite, 0);
    CHECK_EQ(seL4_TCB_BindNotification(tcb, bn), seL4_NoError, "bind again after Unbind");
    CHECK_EQ(seL4_TCB_BindNotification(tcb, other), seL4_IllegalOperation,
             "BindNotification of a thread already bound: IllegalOperation");
    CHECK_EQ(seL4_TCB_BindNotification(tcb2, bn), seL4_IllegalOperation,
             "BindNotification of a notification already bound: IllegalOperation");
    CHECK_EQ(seL4_TCB_BindNotification(tcb2, other_wo), seL4_IllegalOperation,
             "BindNotification through a cap without read right: IllegalOperation");
    struct ipc_job *w = waiter(2, seL4_SysRecv, other);
    CHECK_EQ(seL4_TCB_BindNotification(tcb2, other), seL4_IllegalOperation,
             "BindNotification of a notification with waiters: IllegalOperation");
    seL4_Signal(other_wo);
    CHECK(w->done, "(the waiter is released)");
    CHECK_EQ(seL4_TCB_BindNotification(tcb2, kobj_slot()), seL4_InvalidCapability,
             "BindNotification with an empty cap: InvalidCapability");
    CHECK_EQ(seL4_TCB_BindNotification(tcb2, other), seL4_NoError,
             "once its waiter is gone the notification can be bound");
}

static void test_delete(void)
{
    ipc_stage("delete");
    seL4_CPtr nd = kobj_new(seL4_NotificationObject, 0);
    struct ipc_job *a = waiter(0, seL4_SysRecv, nd), *b = waiter(1, seL4_SysRecv, nd);
    CHECK(!a->done && !b->done, "two threads wait on a notification");
    CHECK_EQ(kobj_delete(nd), seL4_NoError, "delete the notification's only cap");
    CHECK(a->done && a->got.label == seL4_InvalidCapability && b->done &&
              b->got.label == seL4_InvalidCapability,
          "both waiters restarted and their Wait failed its lookup (InvalidCapability)");

    seL4_CPtr bd = kobj_new(seL4_NotificationObject, 0), tcb = kobj_new(seL4_TCBObject, 0);
    CHECK_EQ(seL4_TCB_BindNotification(tcb, bd), seL4_NoError, "bind a notification");
    CHECK_EQ(kobj_delete(bd), seL4_NoError, "delete it");
    CHECK_EQ(seL4_TCB_UnbindNotification(tcb), seL4_IllegalOperation,
             "deleting a bound notification unbinds its thread");
    CHECK_EQ(seL4_TCB_BindNotification(tcb, kobj_new(seL4_NotificationObject, 0)), seL4_NoError,
             "the thread can be bound to another one");
}

static void test_other_space(void)
{
    ipc_stage("other address space");
    struct ipc_space sp;
    seL4_CPtr wake = kobj_new(seL4_NotificationObject, 0),
              n40 = ipc_mint(ntfn, seL4_AllRights, 0x40);
    CHECK_EQ(ipc_space_new(&sp, HIGH_PRIO, "otherspace"), seL4_NoError,
             "a thread in a VSpace of its own (code and a shared page mapped there)");
    CHECK_EQ(ipc_space_start(&sp, n40, wake, false), seL4_NoError, "start it");
    CHECK_EQ(poll(ntfn), 0x40, "it signalled our notification from its address space");
    CHECK_EQ(sp.shared[IPC_SHARED_COUNT], 0, "it then waits on another notification");
    bool ok = true;
    for (seL4_Word k = 1; k <= 3; k++) {
        seL4_Signal(ipc_mint(wake, seL4_AllRights, (seL4_Word)0x80 << k));
        ok = ok && sp.shared[IPC_SHARED_COUNT] == k &&
             sp.shared[IPC_SHARED_BADGE] == (seL4_Word)0x80 << k;
    }
    CHECK(ok, "our Signals wake it at once in its address space, with our badges, 3 times");
}

int main(void)
{
    test_begin("notification");
    kobj_set_my_prio(ROOT_PRIO);
    ipc_watchdog_start();
    ntfn = kobj_new(seL4_NotificationObject, 0);
    ep = kobj_new(seL4_EndpointObject, 0);
    n1 = ipc_mint(ntfn, seL4_AllRights, 1);
    n2 = ipc_mint(ntfn, seL4_AllRights, 2);
    n4 = ipc_mint(ntfn, seL4_AllRights, 4);
    CHECK(ntfn && ep && n1 && n2 && n4, "make a notification, badged caps and an endpoint");
    test_signal_wait();
    test_rights();
    test_binding();
    test_delete();
    test_other_space();
    test_finish();
}

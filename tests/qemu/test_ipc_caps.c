/*
 * Endpoint IPC, second part (docs/kernel-api.md, "IPC: endpoints"; seL4 semantics where
 * it is silent): capabilities in messages, deletion while threads are blocked, and
 * CancelBadgedSends.
 *  - capability transfer through a cap with Grant into the receiver's receive slot
 *    (seL4_SetCapReceivePath); the received cap works and keeps its badge;
 *  - a cap to the endpoint being used is unwrapped (badge in caps_or_badges[i], bit i of
 *    capsUnwrapped), also mixed with a transferred cap; only one cap is transferred per
 *    message (seL4 stops at the second); an occupied receive slot receives nothing;
 *  - no transfer and no unwrapping through a cap without Grant (the message still
 *    arrives);
 *  - deleting an endpoint with blocked senders or receivers restarts them and their
 *    system call then fails its lookup (label seL4_InvalidCapability);
 *  - deleting a thread blocked in Send, Recv or Call removes it from the queue; deleting
 *    a caller that waits for a reply removes the reply cap (a Reply then does nothing);
 *  - CancelBadgedSends restarts exactly the senders with that badge (they re-send and
 *    queue again behind the others), leaves the others in order, does nothing for an
 *    unbadged cap, and its errors.
 */
#include "ipc_util.h"
#include "testlib.h"

#define ROOT_PRIO 100
#define HIGH_PRIO 150

static seL4_CPtr ep, ntfn;
static struct ipc_job jobs[4];

#define NO_MSG seL4_MessageInfo_new(0, 0, 0, 0)

/* Sends one register (0xf00) with label and the n caps in caps[] through cap. */
static void send_caps(seL4_CPtr cap, seL4_Word label, seL4_Word n, const seL4_CPtr *caps)
{
    for (seL4_Word i = 0; i < n; i++)
        seL4_SetCap((int)i, caps[i]);
    ipc_set_mrs(1, 0xf00);
    seL4_Send(cap, seL4_MessageInfo_new(label, 0, n, 1));
}

/* A receiver thread at HIGH_PRIO with receive slot slot (0: none), blocked on ep. */
static struct ipc_job *receiver(int i, seL4_CPtr slot)
{
    struct ipc_job *j = ipc_job_init(&jobs[i], (seL4_Word)i + 1, seL4_SysRecv, ep, 0, 0, 0);
    j->recv_slot = slot;
    ipc_job_start(j, HIGH_PRIO);
    return j;
}

static void test_transfer(void)
{
    ipc_stage("cap transfer");
    seL4_CPtr ntfn_b = ipc_mint(ntfn, seL4_AllRights, 0x10);
    seL4_CPtr ep_b = ipc_mint(ep, seL4_AllRights, 0x77);
    seL4_Word badge;

    seL4_CPtr slot = kobj_slot();
    struct ipc_job *r = receiver(0, slot);
    send_caps(ep, 0x20, 1, &ntfn_b);
    CHECK(r->done && r->got.label == 0x20 && r->got.mr[0] == 0xf00, "a message with a cap arrives");
    CHECK(r->got.extra_caps == 1 && r->got.caps_unwrapped == 0,
          "through a Grant cap: extraCaps 1, nothing unwrapped");
    CHECK_EQ(kobj_type(slot), seL4_CapType_Notification, "the cap is in the receive slot");
    seL4_Signal(slot);
    seL4_Poll(ntfn, &badge);
    CHECK_EQ(badge, 0x10, "the received cap works and kept its badge");

    seL4_CPtr slot2 = kobj_slot();
    r = receiver(1, slot2);
    send_caps(ep, 0x21, 1, &ep_b);
    CHECK(r->got.extra_caps == 1 && r->got.caps_unwrapped == 1,
          "a cap to the same endpoint is unwrapped: extraCaps 1, capsUnwrapped bit 0");
    CHECK_EQ(r->got.caps[0], 0x77, "its badge is in caps_or_badges[0]");
    CHECK_EQ(kobj_type(slot2), seL4_CapType_Null, "the receive slot stays empty");

    seL4_CPtr mixed[2] = {ep_b, ntfn_b};
    r = receiver(2, slot2);
    send_caps(ep, 0x22, 2, mixed);
    CHECK(r->got.extra_caps == 2 && r->got.caps_unwrapped == 1 && r->got.caps[0] == 0x77,
          "[endpoint, notification]: first unwrapped (bit 0, badge), extraCaps 2");
    CHECK_EQ(kobj_type(slot2), seL4_CapType_Notification, "... and the second transferred");

    seL4_CPtr slot3 = kobj_slot();
    seL4_CPtr two[2] = {ntfn_b, ep_b};
    r = receiver(3, slot3);
    send_caps(ep, 0x23, 2, two);
    CHECK(r->got.extra_caps == 2 && r->got.caps_unwrapped == 2 && r->got.caps[1] == 0x77,
          "[notification, endpoint]: second unwrapped (bit 1, badge in caps_or_badges[1])");
    CHECK_EQ(kobj_type(slot3), seL4_CapType_Notification, "... and the first transferred");

    seL4_CPtr slot4 = kobj_slot(), tcb_cap = seL4_CapInitThreadTCB;
    seL4_CPtr dup[2] = {ntfn_b, tcb_cap};
    r = receiver(0, slot4);
    send_caps(ep, 0x24, 2, dup);
    CHECK_EQ(r->got.extra_caps, 1, "two caps to transfer: only the first (seL4), extraCaps 1");
    CHECK_EQ(kobj_type(slot4), seL4_CapType_Notification, "... it is in the receive slot");

    r = receiver(1, slot4); /* occupied now */
    send_caps(ep, 0x25, 1, &tcb_cap);
    CHECK(r->done && r->got.label == 0x25 && r->got.extra_caps == 0,
          "an occupied receive slot: the message arrives, no cap (extraCaps 0)");
    CHECK_EQ(kobj_type(slot4), seL4_CapType_Notification, "the slot keeps its cap");

    r = receiver(2, 0);
    send_caps(ep, 0x26, 1, &ntfn_b);
    CHECK(r->done && r->got.extra_caps == 0, "no receive slot set: no cap is transferred");

    seL4_CPtr nogrant = ipc_mint(ep, seL4_ReadWrite, 0x55), slot5 = kobj_slot();
    r = receiver(3, slot5);
    send_caps(nogrant, 0x27, 1, &ntfn_b);
    CHECK(r->done && r->got.label == 0x27 && r->got.badge == 0x55,
          "through a cap without Grant the message arrives");
    CHECK(r->got.extra_caps == 0 && kobj_type(slot5) == seL4_CapType_Null,
          "... but no cap is transferred");
    r = receiver(0, slot5);
    send_caps(nogrant, 0x28, 1, &ep_b);
    CHECK(r->got.extra_caps == 0 && r->got.caps_unwrapped == 0, "... and no cap is unwrapped");
}

static void test_delete_endpoint(void)
{
    ipc_stage("delete endpoint");
    seL4_CPtr ep2 = kobj_new(seL4_EndpointObject, 0);
    struct ipc_job *a = ipc_job_init(&jobs[0], 1, seL4_SysSend, ep2, 0x30, 1, 0);
    struct ipc_job *b = ipc_job_init(&jobs[1], 2, seL4_SysCall, ep2, 0x31, 1, 0);
    ipc_job_start(a, HIGH_PRIO);
    ipc_job_start(b, HIGH_PRIO);
    CHECK(!a->done && !b->done, "a Send and a Call block on an endpoint");
    CHECK_EQ(kobj_delete(ep2), seL4_NoError, "delete the endpoint's only cap");
    CHECK(a->done && a->got.label == seL4_InvalidCapability,
          "the blocked Send restarted and failed its lookup (InvalidCapability)");
    CHECK(b->done && b->got.label == seL4_InvalidCapability,
          "the blocked Call restarted and failed its lookup (InvalidCapability)");

    seL4_CPtr ep3 = kobj_new(seL4_EndpointObject, 0);
    a = ipc_job_init(&jobs[2], 3, seL4_SysRecv, ep3, 0, 0, 0);
    b = ipc_job_init(&jobs[3], 4, seL4_SysRecv, ep3, 0, 0, 0);
    ipc_job_start(a, HIGH_PRIO);
    ipc_job_start(b, HIGH_PRIO);
    CHECK_EQ(kobj_delete(ep3), seL4_NoError, "delete an endpoint with two blocked receivers");
    CHECK(a->done && a->got.label == seL4_InvalidCapability && b->done &&
              b->got.label == seL4_InvalidCapability,
          "both receivers restarted and failed (InvalidCapability)");
}

static void test_delete_thread(void)
{
    ipc_stage("delete blocked thread");
    struct ipc_msg m;
    seL4_CPtr b1 = ipc_mint(ep, seL4_AllRights, 1), b2 = ipc_mint(ep, seL4_AllRights, 2);
    struct ipc_job *a = ipc_job_init(&jobs[0], 1, seL4_SysSend, b1, 0x40, 1, 0);
    struct ipc_job *b = ipc_job_init(&jobs[1], 2, seL4_SysSend, b2, 0x41, 1, 0);
    ipc_job_start(a, HIGH_PRIO);
    ipc_job_start(b, HIGH_PRIO);
    CHECK_EQ(kobj_delete(a->thread.tcb), seL4_NoError, "delete the first of two blocked senders");
    ipc_xfer(seL4_SysRecv, ep, NO_MSG, &m);
    CHECK(m.badge == 2 && m.label == 0x41 && b->done && !a->done,
          "Recv gets the second sender's message: the deleted one left the queue");

    a = ipc_job_init(&jobs[0], 1, seL4_SysRecv, ep, 0, 0, 0);
    b = ipc_job_init(&jobs[1], 2, seL4_SysRecv, ep, 0, 0, 0);
    ipc_job_start(a, HIGH_PRIO);
    ipc_job_start(b, HIGH_PRIO);
    CHECK_EQ(kobj_delete(a->thread.tcb), seL4_NoError, "delete the first of two blocked receivers");
    ipc_set_mrs(1, 0x42);
    seL4_Send(ep, seL4_MessageInfo_new(0x42, 0, 0, 1));
    CHECK(b->done && b->got.label == 0x42 && !a->done, "the second receiver gets the message");

    a = ipc_job_init(&jobs[2], 3, seL4_SysCall, ep, 0x43, 1, 0);
    ipc_job_start(a, HIGH_PRIO);
    CHECK_EQ(kobj_delete(a->thread.tcb), seL4_NoError, "delete a thread blocked in Call");
    ipc_xfer(seL4_SysNBRecv, ep, NO_MSG, &m);
    CHECK(m.length == 0 && m.label == 0 && m.badge == 0, "its call is gone from the queue");

    a = ipc_job_init(&jobs[3], 4, seL4_SysCall, ep, 0x44, 1, 0);
    ipc_job_start(a, HIGH_PRIO);
    ipc_xfer(seL4_SysRecv, ep, NO_MSG, &m);
    CHECK_EQ(m.label, 0x44, "receive a call");
    CHECK_EQ(kobj_delete(a->thread.tcb), seL4_NoError, "delete the caller waiting for our reply");
    seL4_Reply(seL4_MessageInfo_new(0x45, 0, 0, 0));
    CHECK(!a->done, "Reply to the deleted caller does nothing");

    a = ipc_job_init(&jobs[0], 5, seL4_SysCall, ep, 0x46, 1, 0);
    ipc_job_start(a, HIGH_PRIO);
    ipc_xfer(seL4_SysRecv, ep, NO_MSG, &m);
    seL4_Reply(seL4_MessageInfo_new(0x47, 0, 0, 0));
    CHECK(m.label == 0x46 && a->done && a->got.label == 0x47, "a new Call/Reply works afterwards");
}

static void test_cancel_badged_sends(void)
{
    ipc_stage("cancel badged sends");
    seL4_CPtr b1 = ipc_mint(ep, seL4_AllRights, 1), b2 = ipc_mint(ep, seL4_AllRights, 2);
    seL4_CPtr b3 = ipc_mint(ep, seL4_AllRights, 3);
    const seL4_CPtr caps[4] = {b1, b2, b1, b3};
    struct ipc_msg m[4];
    for (int i = 0; i < 4; i++)
        ipc_job_start(ipc_job_init(&jobs[i], (seL4_Word)i + 1, seL4_SysSend, caps[i],
                                   0x60 + (seL4_Word)i, 1, 0),
                      HIGH_PRIO);
    CHECK(!jobs[0].done && !jobs[3].done, "four senders (badges 1, 2, 1, 3) block");

    CHECK_EQ(seL4_CNode_CancelBadgedSends(KOBJ_ROOT, ep, KOBJ_DEPTH), seL4_NoError,
             "CancelBadgedSends on the unbadged cap");
    CHECK_EQ(seL4_CNode_CancelBadgedSends(KOBJ_ROOT, b1, KOBJ_DEPTH), seL4_NoError,
             "CancelBadgedSends on the badge-1 cap");
    /* The two badge-1 senders restarted; their cap still works, so their Send ran again
     * and queued them behind the others. */
    for (int i = 0; i < 4; i++)
        ipc_xfer(seL4_SysRecv, ep, NO_MSG, &m[i]);
    CHECK(m[0].badge == 2 && m[1].badge == 3,
          "the badge-2 and badge-3 senders kept their order at the head of the queue");
    CHECK(m[2].badge == 1 && m[3].badge == 1 && m[2].label == 0x60 && m[3].label == 0x62,
          "the badge-1 senders were restarted and sent again, behind them, in order");
    CHECK(jobs[0].done && jobs[1].done && jobs[2].done && jobs[3].done, "all four finished");

    /* The usual sequence: delete the clients' copy, then cancel with the server's. */
    seL4_CPtr child = ipc_copy(b1, seL4_AllRights);
    struct ipc_job *a = ipc_job_init(&jobs[0], 1, seL4_SysSend, child, 0x70, 1, 0);
    struct ipc_job *b = ipc_job_init(&jobs[1], 2, seL4_SysSend, b2, 0x71, 1, 0);
    ipc_job_start(a, HIGH_PRIO);
    ipc_job_start(b, HIGH_PRIO);
    kobj_delete(child);
    CHECK_EQ(seL4_CNode_CancelBadgedSends(KOBJ_ROOT, b1, KOBJ_DEPTH), seL4_NoError,
             "CancelBadgedSends after deleting the sender's copy of the badged cap");
    CHECK(a->done && a->got.label == seL4_InvalidCapability,
          "the cancelled sender restarted and failed its lookup");
    ipc_xfer(seL4_SysNBRecv, ep, NO_MSG, &m[0]);
    CHECK(m[0].badge == 2 && m[0].label == 0x71 && b->done, "the other sender is still queued");

    CHECK_EQ(seL4_CNode_CancelBadgedSends(KOBJ_ROOT, ntfn, KOBJ_DEPTH), seL4_IllegalOperation,
             "CancelBadgedSends on a notification cap: IllegalOperation");
    CHECK_EQ(seL4_CNode_CancelBadgedSends(KOBJ_ROOT, b1, 32), seL4_FailedLookup,
             "CancelBadgedSends with a path of the wrong depth: FailedLookup");
}

int main(void)
{
    test_begin("ipc_caps");
    kobj_set_my_prio(ROOT_PRIO);
    ipc_watchdog_start();
    ep = kobj_new(seL4_EndpointObject, 0);
    ntfn = kobj_new(seL4_NotificationObject, 0);
    CHECK(ep && ntfn, "make an endpoint and a notification");
    test_transfer();
    test_delete_endpoint();
    test_delete_thread();
    test_cancel_badged_sends();
    test_finish();
}

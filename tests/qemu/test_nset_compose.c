/*
 * Notification sets composed with the rest of the kernel (docs/notification-set.md,
 * "Composition"; docs/kernel-api.md, "Notification sets", "Interrupts"):
 *  - SetNotification with a notification bound to a server TCB: the server blocks in
 *    seL4_Recv on its endpoint and is woken by the set becoming non-empty (x0 = the badge
 *    of the SetNotification cap, empty message), then Polls the set; it still receives
 *    endpoint messages; several Signals while the set is non-empty wake it once; a set that
 *    becomes non-empty while the server is not in Recv leaves the signal pending for its
 *    next Recv; a thread waiting on the set takes the event and the server is not woken;
 *    Add of an Active notification to an empty set also announces it;
 *  - SetNotification to another notification moves the announcement there; its errors
 *    (endpoint, read-only notification, set cap, a member: IllegalOperation) leave the old
 *    one in place; cptr 0 clears it;
 *  - the set keeps the notification alive after every other cap to it is deleted; deleting
 *    the set deletes that last cap (the server's binding goes);
 *  - an IRQ-driven notification as a member: the EL1 virtual timer (PPI 27) signals a member
 *    among 1,000 idle ones; Wait on the set returns (its token, the handler cap's badge)
 *    after the deadline, nothing more until Ack; five periodic ticks; a tick wakes the
 *    composed server through the set.
 */
#include <stdio.h>
#include "nset_util.h"
#include "testlib.h"

#define ROOT_PRIO   100
#define HIGH_PRIO   150
#define LOW_PRIO    50
#define SET_BADGE   0x10000
#define VTIMER      27
#define CTL_ENABLE  1u
#define CTL_ISTATUS 4u

static seL4_NotificationSetEvent ev[seL4_NotificationSetMaxEvents];
static struct nset_job job;

/* A server: Recv on its endpoint; a wake-up with SET_BADGE and an empty message means the
 * set has events, which it Polls until none is left. Everything it sees is recorded. */
static struct server {
    seL4_CPtr ep, set;
    struct kobj_thread thread;
    volatile seL4_Word wakes, set_wakes, msgs, nev;
    volatile seL4_Word badge, label, mr0;
    seL4_NotificationSetEvent ev[64];
} srv;

static void server_main(seL4_Word unused)
{
    (void)unused;
    seL4_NotificationSetEvent got[seL4_NotificationSetMaxEvents];
    for (;;) {
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = seL4_Recv(srv.ep, &badge);
        srv.badge = badge;
        srv.label = seL4_MessageInfo_get_label(info);
        srv.mr0 = seL4_GetMR(0);
        if (badge == SET_BADGE && seL4_MessageInfo_get_length(info) == 0) {
            int n;
            while ((n = seL4_NotificationSet_Poll(srv.set, 60, got)) > 0) {
                for (int i = 0; i < n && srv.nev < 64; i++)
                    srv.ev[srv.nev++] = got[i];
            }
            srv.set_wakes++;
        } else {
            srv.msgs++;
        }
        srv.wakes++;
    }
}

static seL4_CPtr sig(seL4_CPtr ntfn, seL4_Word badge)
{
    return ipc_mint(ntfn, seL4_AllRights, badge);
}

/* The server's record since the last reset: wake-ups, set wake-ups and the events. */
static bool server_saw(seL4_Word wakes, seL4_Word set_wakes, int n, const seL4_Word *tokens,
                       const seL4_Word *words)
{
    return srv.wakes == wakes && srv.set_wakes == set_wakes && srv.nev == (seL4_Word)n &&
           nset_events_are(srv.ev, n, tokens, words);
}

static void server_reset(void)
{
    srv.wakes = srv.set_wakes = srv.msgs = srv.nev = 0;
}

static void test_compose(void)
{
    ipc_stage("composition");
    seL4_CPtr set = nset_new(6), n = nset_ntfns(8), bound = kobj_new(seL4_NotificationObject, 0);
    seL4_CPtr bound_b = sig(bound, SET_BADGE), ep = kobj_new(seL4_EndpointObject, 0);
    for (seL4_Word i = 0; i < 8; i++)
        seL4_NotificationSet_Add(set, n + i, 30 + i);
    srv.ep = ep;
    srv.set = set;
    srv.thread.tcb = kobj_new(seL4_TCBObject, 0);
    CHECK(seL4_TCB_BindNotification(srv.thread.tcb, bound) == seL4_NoError &&
              ipc_thread(&srv.thread, HIGH_PRIO, "server", server_main, 0) == seL4_NoError,
          "a server bound to a notification, blocked in Recv on its endpoint");
    CHECK_EQ(seL4_NotificationSet_SetNotification(set, bound_b), seL4_NoError,
             "SetNotification(set, the bound notification with badge 0x10000)");
    seL4_Signal(sig(n, 0x5));
    static const seL4_Word t1[4] = {30, 31, 32, 33}, w1[4] = {0x5, 0x6, 0x7, 0x8};
    CHECK(server_saw(1, 1, 1, t1, w1) && srv.badge == SET_BADGE && srv.label == 0,
          "a Signal on a member wakes it from Recv with the badge; it Polls (30, 0x5)");
    ipc_set_mrs(1, 0x99);
    seL4_Send(sig(ep, 0x55), seL4_MessageInfo_new(0x34, 0, 0, 1));
    CHECK(srv.msgs == 1 && srv.badge == 0x55 && srv.label == 0x34 && srv.mr0 == 0x99,
          "it still receives endpoint messages");

    server_reset();
    seL4_TCB_SetPriority(srv.thread.tcb, seL4_CapInitThreadTCB, LOW_PRIO);
    for (seL4_Word i = 1; i < 4; i++)
        seL4_Signal(sig(n + i, 0x5 + i));
    CHECK_EQ(srv.wakes, 0, "(server at a lower priority) three Signals: it has not run yet");
    ipc_run_below(LOW_PRIO, ROOT_PRIO);
    CHECK(server_saw(1, 1, 3, t1 + 1, w1 + 1),
          "it wakes once and Polls all three, in order (only empty -> non-empty announces)");
    ipc_run_below(LOW_PRIO, ROOT_PRIO);
    CHECK_EQ(srv.wakes, 1, "no further wake-up is pending");

    server_reset();
    seL4_TCB_Suspend(srv.thread.tcb);
    seL4_Signal(sig(n + 4, 0x9));
    seL4_TCB_Resume(srv.thread.tcb);
    ipc_run_below(LOW_PRIO, ROOT_PRIO);
    static const seL4_Word t2[1] = {34}, w2[1] = {0x9};
    CHECK(server_saw(1, 1, 1, t2, w2),
          "set non-empty while the server is not in Recv: its next Recv gets the signal");

    server_reset();
    struct nset_job *w = nset_job_init(&job, 1, set, 60);
    nset_job_start(w, HIGH_PRIO);
    seL4_Signal(sig(n + 5, 0xa));
    ipc_run_below(LOW_PRIO, ROOT_PRIO);
    CHECK(w->done == 1 && w->n == 1 && w->ev[0].token == 35 && srv.wakes == 0,
          "a thread waiting on the set takes the event; the server is not woken");

    seL4_CPtr f = kobj_new(seL4_NotificationObject, 0);
    seL4_Signal(sig(f, 0x44));
    CHECK_EQ(seL4_NotificationSet_Add(set, f, 40), seL4_NoError,
             "Add of an Active notification to the empty set");
    ipc_run_below(LOW_PRIO, ROOT_PRIO);
    static const seL4_Word t3[1] = {40}, w3[1] = {0x44};
    if (!CHECK(server_saw(1, 1, 1, t3, w3),
               "the set became non-empty: the server is woken and Polls (40, 0x44)")) {
        int got = seL4_NotificationSet_Poll(set, 60, ev);
        printf("       server wake-ups %lu; a Poll of the set now returns %d event(s)\n",
               (unsigned long)srv.wakes, got);
    }

    /* A thread waiting on the composition notification itself also hears the set. */
    seL4_CPtr plain = kobj_new(seL4_NotificationObject, 0);
    seL4_NotificationSet_SetNotification(set, sig(plain, 0x30000));
    struct ipc_job direct;
    ipc_job_init(&direct, 1, seL4_SysRecv, plain, 0, 0, 0);
    ipc_job_start(&direct, HIGH_PRIO);
    seL4_Signal(sig(n + 2, 0xf));
    CHECK(direct.done && direct.got.badge == 0x30000,
          "a thread in seL4_Wait on an unbound composition notification is woken with its badge");
    seL4_NotificationSet_Poll(set, 60, ev);

    /* Moving, errors, clearing. */
    server_reset();
    seL4_TCB_SetPriority(srv.thread.tcb, seL4_CapInitThreadTCB, HIGH_PRIO);
    seL4_CPtr other = kobj_new(seL4_NotificationObject, 0), set2 = nset_new(2);
    CHECK_EQ(seL4_NotificationSet_SetNotification(set, sig(other, 0x20000)), seL4_NoError,
             "SetNotification to another notification (badge 0x20000)");
    seL4_Signal(sig(n + 6, 0xb));
    CHECK(srv.wakes == 0 && nset_ntfn_poll(other) == 0x20000,
          "the announcement goes there; the server is not woken");
    CHECK_EQ(seL4_NotificationSet_SetNotification(set, ep), seL4_InvalidCapability,
             "SetNotification with an endpoint cap: InvalidCapability");
    CHECK_EQ(seL4_NotificationSet_SetNotification(set, ipc_mint(other, seL4_CanRead, 0)),
             seL4_InvalidCapability,
             "SetNotification with a notification cap without write: InvalidCapability");
    CHECK_EQ(seL4_NotificationSet_SetNotification(set, set2), seL4_InvalidCapability,
             "SetNotification with a set cap: InvalidCapability");
    CHECK_EQ(seL4_NotificationSet_SetNotification(set, n + 7), seL4_IllegalOperation,
             "SetNotification with a member of this set: IllegalOperation");
    seL4_CPtr foreign = kobj_new(seL4_NotificationObject, 0);
    seL4_NotificationSet_Add(set2, foreign, 0);
    CHECK_EQ(seL4_NotificationSet_SetNotification(set, foreign), seL4_IllegalOperation,
             "SetNotification with a member of another set: IllegalOperation");
    seL4_NotificationSet_Poll(set, 60, ev);
    seL4_Signal(sig(n + 7, 0xc));
    CHECK(srv.wakes == 0 && nset_ntfn_poll(other) == 0x20000,
          "the refused calls left the other notification in place");
    seL4_NotificationSet_Poll(set, 60, ev);
    CHECK_EQ(seL4_NotificationSet_SetNotification(set, seL4_CapNull), seL4_NoError,
             "SetNotification(set, 0) clears it");
    seL4_Signal(sig(n, 0xd));
    int got = seL4_NotificationSet_Poll(set, 60, ev);
    CHECK(srv.wakes == 0 && nset_ntfn_poll(other) == 0 && got == 1 && ev[0].token == 30,
          "nothing is announced any more; the member is ready in the set");

    /* The set holds its own cap to the notification. */
    server_reset();
    seL4_NotificationSet_SetNotification(set, bound_b);
    CHECK(kobj_delete(bound_b) == seL4_NoError && kobj_delete(bound) == seL4_NoError,
          "delete our caps to the server's notification (the set has a copy)");
    seL4_Signal(sig(n + 1, 0xe));
    static const seL4_Word t4[1] = {31}, w4[1] = {0xe};
    CHECK(server_saw(1, 1, 1, t4, w4), "the set still wakes the server through it");
    CHECK_EQ(kobj_delete(set), seL4_NoError, "delete the set (it held the last cap)");
    CHECK_EQ(seL4_TCB_UnbindNotification(srv.thread.tcb), seL4_IllegalOperation,
             "the notification was deleted with it: the server is no longer bound");
    seL4_Send(ep, seL4_MessageInfo_new(0x35, 0, 0, 0));
    CHECK(srv.msgs == 1 && srv.label == 0x35, "the server still gets endpoint messages");
}

static void vtimer_set(seL4_Word cval, seL4_Word ctl)
{
    __asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(cval), "r"(ctl));
}

static void test_irq(void)
{
    ipc_stage("irq member");
    enum { N = 1000, TOKEN = 500 };
    seL4_Word period = ipc_ms(5);
    seL4_CPtr set = nset_new(10), n = nset_ntfns(N), handler = kobj_slot();
    bool ok = seL4_IRQControl_Get(seL4_CapIRQControl, VTIMER, KOBJ_ROOT, handler, KOBJ_DEPTH) ==
              seL4_NoError;
    for (seL4_Word i = 0; i < N; i++)
        ok = ok && seL4_NotificationSet_Add(set, n + i, i) == seL4_NoError;
    ok = ok && seL4_IRQHandler_SetNotification(handler, sig(n + TOKEN, 0x100)) == seL4_NoError;
    CHECK(ok, "1000 idle members; member 500 is the virtual timer's notification (badge 0x100)");
    seL4_IRQHandler_Ack(handler);
    seL4_Word deadline = ipc_now() + 2 * period;
    vtimer_set(deadline, CTL_ENABLE);
    CHECK_EQ(seL4_NotificationSet_Poll(set, 60, ev), 0, "nothing is ready before the deadline");
    int got = seL4_NotificationSet_Wait(set, 60, ev);
    CHECK(got == 1 && ev[0].token == TOKEN && ev[0].word == 0x100 && ipc_now() >= deadline,
          "Wait on the set returns (500, 0x100) after the deadline");
    ipc_spin_until(ipc_now() + period, NULL);
    CHECK_EQ(seL4_NotificationSet_Poll(set, 60, ev), 0,
             "the interrupt stays masked until Ack: nothing more");

    deadline = ipc_now() + period;
    vtimer_set(deadline, CTL_ENABLE);
    seL4_IRQHandler_Ack(handler);
    seL4_Word ticks = 0;
    ok = true;
    for (int i = 0; i < 5; i++) {
        got = seL4_NotificationSet_Wait(set, 60, ev);
        ok = ok && got == 1 && ev[0].token == TOKEN && ev[0].word == 0x100 && ipc_now() >= deadline;
        ticks++;
        deadline += period;
        vtimer_set(deadline, CTL_ENABLE);
        seL4_IRQHandler_Ack(handler);
    }
    CHECK_EQ(ticks, 5, "five periodic ticks arrive through the set");
    CHECK(ok, "each one event (500, 0x100), after its deadline");
    vtimer_set(0, 0);
    seL4_IRQHandler_Ack(handler);
    seL4_NotificationSet_Poll(set, 60, ev);

    /* A tick wakes the composed server through the set. */
    seL4_CPtr bound = kobj_new(seL4_NotificationObject, 0);
    seL4_TCB_BindNotification(srv.thread.tcb, bound);
    server_reset();
    srv.set = set;
    seL4_NotificationSet_SetNotification(set, sig(bound, SET_BADGE));
    deadline = ipc_now() + period;
    vtimer_set(deadline, CTL_ENABLE);
    static const seL4_Word t[1] = {TOKEN}, w[1] = {0x100};
    bool woke = ipc_spin_until(deadline + 100 * period, &srv.wakes);
    CHECK(woke && server_saw(1, 1, 1, t, w),
          "a tick wakes the server blocked in Recv; it Polls (500, 0x100)");
    vtimer_set(0, 0);
    seL4_IRQHandler_Ack(handler);
}

/* Can EL0 program the virtual timer? Tried in a thread so that a trap only stops it. */
static volatile seL4_Word vt_ok;
static void probe_vtimer(seL4_Word unused)
{
    (void)unused;
    vtimer_set(0, 0);
    vt_ok = 1;
}

int main(void)
{
    test_begin("nset_compose");
    kobj_set_my_prio(ROOT_PRIO);
    ipc_watchdog_start();
    test_compose();
    struct kobj_thread probe = {0};
    ipc_thread(&probe, HIGH_PRIO, "vtprobe", probe_vtimer, 0);
    if (CHECK(vt_ok, "EL0 can program the virtual timer"))
        test_irq();
    test_finish();
}

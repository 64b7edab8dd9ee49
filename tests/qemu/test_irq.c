/*
 * Interrupts (docs/kernel-api.md, "Interrupts"; seL4 semantics where it is silent), with
 * the EL1 virtual timer (PPI 27) that EL0 programs directly:
 *  - IRQControl_Get errors: RangeError below 16, above 287 and for the kernel's timer
 *    (30); RevokeFirst for an irq that has a handler; DeleteFirst for an occupied slot;
 *    FailedLookup for a bad destination path; GetTrigger for an SPI;
 *  - SetNotification errors (not a notification, no write right);
 *  - a timer deadline: Wait on the notification returns the badge of its cap once the
 *    deadline has passed; the interrupt stays masked until Ack, and Ack after disabling
 *    the timer delivers nothing more; several periodic ticks, each after its deadline;
 *  - SetNotification to a second notification moves delivery there;
 *  - Clear stops delivery (Poll after the deadline finds nothing); setting a notification
 *    again and Ack delivers the still-asserted level interrupt;
 *  - deleting the last handler cap (a copy exists first) lets IRQControl_Get succeed again;
 *  - an IRQ-driven notification bound to a thread blocked in Recv on an endpoint wakes it.
 */
#include <stdio.h>
#include "ipc_util.h"
#include "testlib.h"

#define ROOT_PRIO   100
#define HIGH_PRIO   150
#define VTIMER      27
#define CTL_ENABLE  1u
#define CTL_ISTATUS 4u

static seL4_CPtr handler, tn, tn_b; /* tn_b: tn minted with badge 0x100 */
static seL4_Word period;            /* 5 ms in counter ticks */
static volatile seL4_Word flag;

static void vtimer_set(seL4_Word cval, seL4_Word ctl)
{
    __asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(cval), "r"(ctl));
}

static seL4_Word vtimer_ctl(void)
{
    seL4_Word v;
    __asm__ volatile("isb\n\tmrs %0, cntv_ctl_el0" : "=r"(v));
    return v;
}

static seL4_Word poll(seL4_CPtr cap)
{
    seL4_Word badge = 0xbad;
    seL4_Poll(cap, &badge);
    return badge;
}

/* Can EL0 program the virtual timer? Tried in a thread so that a trap only stops it. */
static void probe_vtimer(seL4_Word unused)
{
    (void)unused;
    vtimer_set(0, 0);
    flag = vtimer_ctl() == 0 ? 1 : 2;
}

static void test_get_errors(void)
{
    ipc_stage("IRQControl_Get");
    seL4_CPtr s = kobj_slot();
    static const seL4_Word bad[5] = {10, 15, 30, 288, 300};
    char what[80];
    for (int i = 0; i < 5; i++) {
        snprintf(what, sizeof(what), "IRQControl_Get of irq %llu: RangeError",
                 (unsigned long long)bad[i]);
        CHECK_EQ(seL4_IRQControl_Get(seL4_CapIRQControl, bad[i], KOBJ_ROOT, s, KOBJ_DEPTH),
                 seL4_RangeError, what);
    }
    CHECK_EQ(kobj_type(s), seL4_CapType_Null, "the refused calls left the slot empty");
    handler = kobj_slot();
    CHECK_EQ(seL4_IRQControl_Get(seL4_CapIRQControl, VTIMER, KOBJ_ROOT, handler, KOBJ_DEPTH),
             seL4_NoError, "IRQControl_Get of the virtual timer (27)");
    CHECK_EQ(kobj_type(handler), seL4_CapType_IRQHandler, "the slot holds an IRQHandler cap");
    CHECK_EQ(seL4_IRQControl_Get(seL4_CapIRQControl, VTIMER, KOBJ_ROOT, s, KOBJ_DEPTH),
             seL4_RevokeFirst, "a second Get of irq 27: RevokeFirst");
    CHECK_EQ(seL4_IRQControl_Get(seL4_CapIRQControl, 100, KOBJ_ROOT, handler, KOBJ_DEPTH),
             seL4_DeleteFirst, "Get of irq 100 into an occupied slot: DeleteFirst");
    CHECK_EQ(seL4_IRQControl_Get(seL4_CapIRQControl, 100, KOBJ_ROOT, s, 32), seL4_FailedLookup,
             "Get into a path of the wrong depth: FailedLookup");
    CHECK_EQ(seL4_IRQControl_GetTrigger(seL4_CapIRQControl, 101, 1, KOBJ_ROOT, s, KOBJ_DEPTH),
             seL4_NoError, "GetTrigger of SPI 101, edge-triggered");
    CHECK_EQ(
        seL4_IRQControl_GetTrigger(seL4_CapIRQControl, 10, 1, KOBJ_ROOT, kobj_slot(), KOBJ_DEPTH),
        seL4_RangeError, "GetTrigger of irq 10: RangeError");
    CHECK_EQ(kobj_delete(s), seL4_NoError, "delete the handler of SPI 101");

    seL4_CPtr ep = kobj_new(seL4_EndpointObject, 0), ro = ipc_mint(tn, seL4_CanRead, 0);
    CHECK_EQ(seL4_IRQHandler_SetNotification(handler, ep), seL4_InvalidCapability,
             "SetNotification with an endpoint cap: InvalidCapability");
    CHECK_EQ(seL4_IRQHandler_SetNotification(handler, ro), seL4_InvalidCapability,
             "SetNotification with a read-only notification cap: InvalidCapability");
}

static void test_timer(void)
{
    ipc_stage("virtual timer");
    seL4_Word badge;
    CHECK_EQ(seL4_IRQHandler_SetNotification(handler, tn_b), seL4_NoError, "SetNotification");
    CHECK_EQ(seL4_IRQHandler_Ack(handler), seL4_NoError, "Ack (unmask)");

    seL4_Word deadline = ipc_now() + 2 * period;
    vtimer_set(deadline, CTL_ENABLE);
    CHECK_EQ(poll(tn), 0, "nothing is signalled before the deadline");
    seL4_Wait(tn, &badge);
    seL4_Word woke = ipc_now();
    CHECK_EQ(badge, 0x100, "Wait returns the badge of the handler's notification cap");
    CHECK(woke >= deadline, "... after the deadline");
    CHECK(vtimer_ctl() & CTL_ISTATUS, "the timer condition is still asserted (level)");
    ipc_spin_until(ipc_now() + period, NULL);
    CHECK_EQ(poll(tn), 0, "the masked interrupt is not delivered again before Ack");
    vtimer_set(deadline, 0);
    CHECK_EQ(seL4_IRQHandler_Ack(handler), seL4_NoError, "disable the timer, then Ack");
    ipc_spin_until(ipc_now() + period, NULL);
    CHECK_EQ(poll(tn), 0, "nothing more arrives");

    /* Periodic: each tick reprograms the next deadline (deasserting), then Acks. */
    deadline = ipc_now() + period;
    vtimer_set(deadline, CTL_ENABLE);
    bool all_ok = true;
    seL4_Word ticks = 0;
    for (int i = 0; i < 5; i++) {
        seL4_Wait(tn, &badge);
        seL4_Word now = ipc_now();
        all_ok = all_ok && badge == 0x100 && now >= deadline;
        ticks++;
        deadline += period;
        vtimer_set(deadline, CTL_ENABLE);
        seL4_IRQHandler_Ack(handler);
    }
    CHECK_EQ(ticks, 5, "five periodic ticks arrived");
    CHECK(all_ok, "each with the badge and after its deadline");

    /* Delivery moves to a second notification. Quiesce first: the tick programmed last
     * may have fired (to tn) while we printed. */
    vtimer_set(0, 0);
    seL4_IRQHandler_Ack(handler);
    poll(tn);
    seL4_CPtr tn2 = kobj_new(seL4_NotificationObject, 0);
    CHECK_EQ(seL4_IRQHandler_SetNotification(handler, ipc_mint(tn2, seL4_AllRights, 0x200)),
             seL4_NoError, "SetNotification to a second notification");
    vtimer_set(ipc_now() + period, CTL_ENABLE);
    seL4_Wait(tn2, &badge);
    CHECK_EQ(badge, 0x200, "the next tick arrives there with its badge");
    CHECK_EQ(poll(tn), 0, "and not on the first");

    /* Clear: no more signals, although the timer fires and we Ack. */
    CHECK_EQ(seL4_IRQHandler_Clear(handler), seL4_NoError, "Clear");
    deadline = ipc_now() + period;
    vtimer_set(deadline, CTL_ENABLE);
    seL4_IRQHandler_Ack(handler);
    ipc_spin_until(deadline + 2 * period, NULL);
    seL4_Word ctl = vtimer_ctl(), cval;
    __asm__ volatile("mrs %0, cntv_cval_el0" : "=r"(cval));
    if (!CHECK(ctl & CTL_ISTATUS, "the timer has fired"))
        printf("       ctl 0x%llx cval 0x%llx now 0x%llx\n", (unsigned long long)ctl,
               (unsigned long long)cval, (unsigned long long)ipc_now());
    CHECK(poll(tn) == 0 && poll(tn2) == 0, "after Clear neither notification is signalled");
    CHECK_EQ(seL4_IRQHandler_SetNotification(handler, tn_b), seL4_NoError,
             "set the first notification again");
    seL4_IRQHandler_Ack(handler);
    ipc_spin_until(ipc_now() + period, NULL);
    CHECK_EQ(poll(tn), 0x100, "Ack unmasks the still-asserted interrupt and it is delivered");
    vtimer_set(0, 0);
    seL4_IRQHandler_Ack(handler);
}

static void test_handler_delete(void)
{
    ipc_stage("delete handler");
    seL4_CPtr copy = ipc_copy(handler, seL4_AllRights);
    CHECK_EQ(kobj_type(copy), seL4_CapType_IRQHandler, "copy the handler cap");
    CHECK_EQ(kobj_delete(handler), seL4_NoError, "delete the original");
    seL4_CPtr s = kobj_slot();
    CHECK_EQ(seL4_IRQControl_Get(seL4_CapIRQControl, VTIMER, KOBJ_ROOT, s, KOBJ_DEPTH),
             seL4_RevokeFirst, "with a copy left, Get is still RevokeFirst");
    CHECK_EQ(kobj_delete(copy), seL4_NoError, "delete the last handler cap");
    CHECK_EQ(seL4_IRQControl_Get(seL4_CapIRQControl, VTIMER, KOBJ_ROOT, s, KOBJ_DEPTH),
             seL4_NoError, "now IRQControl_Get of irq 27 succeeds again");
    handler = s;
}

static struct ipc_job bound;

static void test_bound(void)
{
    ipc_stage("bound thread");
    seL4_CPtr ep = kobj_new(seL4_EndpointObject, 0), n = kobj_new(seL4_NotificationObject, 0);
    ipc_job_init(&bound, 1, seL4_SysRecv, ep, 0, 0, 0);
    bound.thread.tcb = kobj_new(seL4_TCBObject, 0);
    CHECK_EQ(seL4_TCB_BindNotification(bound.thread.tcb, n), seL4_NoError,
             "bind a notification to a thread");
    CHECK_EQ(seL4_IRQHandler_SetNotification(handler, ipc_mint(n, seL4_AllRights, 0x400)),
             seL4_NoError, "make it the timer's notification");
    seL4_IRQHandler_Ack(handler);
    ipc_job_start(&bound, HIGH_PRIO);
    CHECK_EQ(bound.done, 0, "the thread blocks in Recv on an endpoint");
    seL4_Word deadline = ipc_now() + period;
    vtimer_set(deadline, CTL_ENABLE);
    bool woke = ipc_spin_until(deadline + 100 * period, &bound.done);
    CHECK(woke && ipc_now() >= deadline, "the timer interrupt woke the bound thread");
    CHECK(bound.got.badge == 0x400 && bound.got.label == 0 && bound.got.length == 0,
          "with the notification's badge and an empty message");
    vtimer_set(0, 0);
    seL4_IRQHandler_Ack(handler);
}

int main(void)
{
    test_begin("irq");
    kobj_set_my_prio(ROOT_PRIO);
    ipc_watchdog_start();
    period = ipc_ms(5);
    tn = kobj_new(seL4_NotificationObject, 0);
    tn_b = ipc_mint(tn, seL4_AllRights, 0x100);
    struct kobj_thread probe = {0};
    ipc_thread(&probe, HIGH_PRIO, "vtprobe", probe_vtimer, 0);
    if (!CHECK_EQ(flag, 1, "EL0 can program the virtual timer (CNTV_CVAL/CTL)"))
        test_finish();
    test_get_errors();
    test_timer();
    test_handler_delete();
    test_bound();
    test_finish();
}

/*
 * IRQControl and IRQHandler. Per interrupt the kernel keeps a state and one slot holding
 * the notification cap to signal (seL4's interrupt CNode), so that the cap takes part in
 * derivation like any other.
 */
#include <object/irq.h>
#include <object/cnode.h>
#include <object/notification.h>
#include <api/invocation.h>
#include <arch/board.h>
#include <machine.h>
#include <sel4/invocation.h>

enum irq_state { IRQ_INACTIVE, IRQ_SIGNAL };

static uint8_t irq_states[BOARD_NUM_IRQS];
static struct cte irq_slots[BOARD_NUM_IRQS];

static bool irq_usable(word_t irq)
{
    return irq >= 16 && irq < BOARD_NUM_IRQS && irq != timer_irq();
}

int irq_control_decode(struct invocation *inv)
{
    bool trigger = inv->label == IRQIssueIRQHandlerTrigger;
    if (inv->label != IRQIssueIRQHandler && !trigger)
        return seL4_IllegalOperation;
    unsigned base = trigger ? 2 : 1;
    if (inv->length < base + 2 || inv->extra_caps < 1)
        return seL4_TruncatedMessage;
    word_t irq = inv_mr(inv, 0), edge = trigger ? inv_mr(inv, 1) : 0;
    if (!irq_usable(irq))
        return seL4_RangeError;
    if (irq_states[irq] != IRQ_INACTIVE)
        return seL4_RevokeFirst;
    struct cte *dest;
    int err =
        cnode_lookup_op_slot(inv->extra[0]->cap, inv_mr(inv, base), inv_mr(inv, base + 1), &dest);
    if (err)
        return err;
    if (dest->cap.type != CAP_NULL)
        return seL4_DeleteFirst;

    if (trigger && irq >= 32)
        irq_set_trigger((unsigned)irq, edge != 0);
    irq_states[irq] = IRQ_SIGNAL;
    cte_insert(cap_make(CAP_IRQ_HANDLER, NULL, CAP_RIGHTS_ALL, 0, false, irq), inv->slot, dest);
    irq_enable((unsigned)irq);
    return seL4_NoError;
}

int irq_handler_decode(struct invocation *inv)
{
    unsigned irq = (unsigned)inv->cap.data;
    switch (inv->label) {
    case IRQAckIRQ:
        irq_enable(irq);
        return seL4_NoError;
    case IRQClearIRQHandler:
        return cte_delete(&irq_slots[irq]);
    case IRQSetIRQHandler: {
        if (inv->extra_caps < 1)
            return seL4_TruncatedMessage;
        struct cte *src = inv->extra[0];
        if (src->cap.type != CAP_NOTIFICATION || !(src->cap.rights & CAP_RIGHT_WRITE))
            return seL4_InvalidCapability;
        int err;
        struct cap c = cap_derive(src, src->cap, &err);
        if (err)
            return err;
        err = cte_delete(&irq_slots[irq]);
        if (err)
            return err;
        cte_insert(c, src, &irq_slots[irq]);
        return seL4_NoError;
    }
    default:
        return seL4_IllegalOperation;
    }
}

void irq_deliver(unsigned irq)
{
    /* Masked until the handler acknowledges it (or for good, if nobody handles it). */
    irq_disable(irq);
    if (irq >= BOARD_NUM_IRQS || irq_states[irq] != IRQ_SIGNAL)
        return;
    struct cap c = irq_slots[irq].cap;
    if (c.type == CAP_NOTIFICATION)
        ntfn_signal(cap_ptr(c), c.data);
}

void irq_handler_finalise(unsigned irq)
{
    irq_disable(irq);
    cte_delete(&irq_slots[irq]);
    irq_states[irq] = IRQ_INACTIVE;
}

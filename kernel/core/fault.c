/*
 * Faults: delivering them to a thread's fault handler as a Call, the message layouts of
 * sel4/faults.h, and the handler's reply.
 */
#include <fault.h>
#include <core.h>
#include <printk.h>
#include <object/cnode.h>
#include <object/endpoint.h>
#include <sel4/faults.h>
#include <sel4/messageinfo.h>

static const char *fault_name(const struct fault *f)
{
    switch (f->type) {
    case FAULT_VM:
        return f->instruction ? "vm fault on instruction fetch" : "vm fault on data access";
    case FAULT_UNKNOWN_SYSCALL:
        return "unknown syscall";
    case FAULT_USER_EXCEPTION:
        return "user exception";
    case FAULT_CAP:
        return "capability fault";
    default:
        return "fault";
    }
}

bool fault_send_to_handler(struct tcb *t, const struct fault *f)
{
    struct cte *slot;
    if (cnode_lookup_slot(t, t->fault_ep, &slot))
        return false;
    struct cap c = slot->cap;
    if (c.type != CAP_ENDPOINT || !(c.rights & CAP_RIGHT_WRITE) ||
        !(c.rights & (CAP_RIGHT_GRANT | CAP_RIGHT_GRANT_REPLY)))
        return false;
    t->fault = *f;
    ep_send(t, c, true, true);
    return true;
}

void fault_raise(struct tcb *t, const struct fault *f)
{
    if (fault_send_to_handler(t, f))
        return;
    kprintf("kernel: thread '%s': %s at address 0x%lx, pc 0x%lx, esr 0x%lx; "
            "no fault handler, thread suspended\n",
            t->name, fault_name(f), f->addr, f->pc, f->esr);
    thread_set_state(t, THREAD_INACTIVE);
}

unsigned fault_message(struct tcb *t, struct tcb *receiver)
{
    seL4_IPCBuffer *buf = tcb_ipc_buffer(receiver);
    word_t mr[seL4_UnknownSyscall_Length];
    unsigned len;
    const struct fault *f = &t->fault;
    const struct user_frame *r = &t->frame;

    switch (f->type) {
    case FAULT_VM:
        mr[seL4_VMFault_IP] = f->pc;
        mr[seL4_VMFault_Addr] = f->addr;
        mr[seL4_VMFault_PrefetchFault] = f->instruction;
        mr[seL4_VMFault_FSR] = f->esr;
        len = seL4_VMFault_Length;
        break;
    case FAULT_UNKNOWN_SYSCALL:
        for (unsigned i = 0; i < 8; i++)
            mr[seL4_UnknownSyscall_X0 + i] = r->x[i];
        mr[seL4_UnknownSyscall_FaultIP] = r->fault_ip;
        mr[seL4_UnknownSyscall_SP] = r->sp;
        mr[seL4_UnknownSyscall_LR] = r->x[30];
        mr[seL4_UnknownSyscall_SPSR] = r->spsr;
        mr[seL4_UnknownSyscall_Syscall] = r->x[7];
        len = seL4_UnknownSyscall_Length;
        break;
    case FAULT_USER_EXCEPTION:
        mr[seL4_UserException_FaultIP] = r->fault_ip;
        mr[seL4_UserException_SP] = r->sp;
        mr[seL4_UserException_SPSR] = r->spsr;
        mr[seL4_UserException_Number] = f->esr >> 26;
        mr[seL4_UserException_Code] = f->esr & MASK(25);
        len = seL4_UserException_Length;
        break;
    default: /* FAULT_CAP */
        mr[seL4_CapFault_IP] = f->pc;
        mr[seL4_CapFault_Addr] = f->addr;
        mr[seL4_CapFault_InRecvPhase] = f->in_receive;
        mr[seL4_CapFault_LookupFailureType] = 0;
        len = seL4_CapFault_Length;
        break;
    }
    if (!buf && len > TCB_MSG_REGISTERS)
        len = TCB_MSG_REGISTERS;
    for (unsigned i = 0; i < len; i++) {
        if (i < TCB_MSG_REGISTERS)
            receiver->frame.x[2 + i] = mr[i];
        else
            buf->msg[i] = mr[i];
    }
    return len;
}

/* Reply register i of the handler's message (0 beyond what it sent). */
static word_t reply_mr(struct tcb *replier, unsigned i, unsigned len)
{
    if (i >= len)
        return 0;
    if (i < TCB_MSG_REGISTERS)
        return replier->frame.x[2 + i];
    seL4_IPCBuffer *buf = tcb_ipc_buffer(replier);
    return buf ? buf->msg[i] : 0;
}

void fault_reply(struct tcb *t, struct tcb *replier)
{
    seL4_MessageInfo_t info = {{replier->frame.x[1]}};
    unsigned len = (unsigned)seL4_MessageInfo_get_length(info);
    bool restart = seL4_MessageInfo_get_label(info) == 0;
    struct user_frame *r = &t->frame;

    switch (t->fault.type) {
    case FAULT_UNKNOWN_SYSCALL:
        if (!restart)
            break;
        for (unsigned i = 0; i < 8 && i < len; i++)
            r->x[i] = reply_mr(replier, seL4_UnknownSyscall_X0 + i, len);
        if (len > seL4_UnknownSyscall_FaultIP)
            r->fault_ip = reply_mr(replier, seL4_UnknownSyscall_FaultIP, len);
        if (len > seL4_UnknownSyscall_SP)
            r->sp = reply_mr(replier, seL4_UnknownSyscall_SP, len);
        if (len > seL4_UnknownSyscall_LR)
            r->x[30] = reply_mr(replier, seL4_UnknownSyscall_LR, len);
        if (len > seL4_UnknownSyscall_SPSR)
            r->spsr = (reply_mr(replier, seL4_UnknownSyscall_SPSR, len) & 0xf0000000u) | SPSR_EL0T;
        break;
    case FAULT_USER_EXCEPTION:
        if (!restart)
            break;
        if (len > seL4_UserException_FaultIP)
            r->fault_ip = reply_mr(replier, seL4_UserException_FaultIP, len);
        if (len > seL4_UserException_SP)
            r->sp = reply_mr(replier, seL4_UserException_SP, len);
        if (len > seL4_UserException_SPSR)
            r->spsr = (reply_mr(replier, seL4_UserException_SPSR, len) & 0xf0000000u) | SPSR_EL0T;
        break;
    default:
        /* VM and cap faults: any reply restarts the thread, as in seL4. */
        restart = true;
        break;
    }
    t->fault.type = FAULT_NULL;
    if (restart) {
        thread_set_state(t, THREAD_RESTART);
        sched_possible_switch_to(t);
    } else {
        thread_set_state(t, THREAD_INACTIVE);
    }
}

/*
 * System call dispatch (seL4's handleSyscall). The register ABI is seL4's for AArch64
 * (libsel4/include/sel4/syscalls.h).
 */
#include <api/syscall.h>
#include <api/invocation.h>
#include <object/cnode.h>
#include <object/endpoint.h>
#include <object/notification.h>
#include <core.h>
#include <counters.h>
#include <fault.h>
#include <hooks.h>
#include <machine.h>
#include <printk.h>
#include <sel4/messageinfo.h>
#include <sel4/syscalls.h>

/* seL4_DebugNameThread: x0 = TCB cap, the name at the start of the IPC buffer. */
static void debug_name_thread(struct tcb *t)
{
    struct cte *slot;
    seL4_IPCBuffer *buf = tcb_ipc_buffer(t);
    if (!buf || cnode_lookup_slot(t, t->frame.x[0], &slot) || slot->cap.type != CAP_TCB)
        return;
    struct tcb *target = cap_ptr(slot->cap);
    const char *name = (const char *)buf->msg;
    unsigned i = 0;
    for (; i < TCB_NAME_LEN - 1 && name[i]; i++)
        target->name[i] = name[i];
    target->name[i] = '\0';
}

/* seL4_DebugCapIdentify: x0 = cptr in; the cap's type out (0 if the lookup fails). */
static void debug_cap_identify(struct tcb *t)
{
    struct cte *slot;
    t->frame.x[0] = cnode_lookup_slot(t, t->frame.x[0], &slot) ? 0 : slot->cap.type;
}

/* A cptr that does not resolve in a send, or any receive-side failure: a cap fault to the
 * handler, or (no handler, a documented deviation) an error in the message info and
 * nothing else. */
static void cap_fault(struct tcb *t, word_t cptr, bool in_receive)
{
    struct fault f = {
        .type = FAULT_CAP, .pc = t->frame.fault_ip, .addr = cptr, .in_receive = in_receive};
    if (fault_send_to_handler(t, &f))
        return;
    t->frame.x[1] = seL4_MessageInfo_new(seL4_InvalidCapability, 0, 0, 0).words[0];
}

/* The cap a send-phase syscall names, or NULL (the caller raises the cap fault). */
static struct cte *lookup(struct tcb *t, word_t cptr)
{
    struct cte *slot;
    if (cnode_lookup_slot(t, cptr, &slot) || slot->cap.type == CAP_NULL)
        return NULL;
    return slot;
}

/* Send, NBSend and Call: IPC on an endpoint, a signal on a notification, otherwise an
 * invocation of a kernel object. */
static void handle_send(struct tcb *t, bool blocking, bool is_call)
{
    word_t cptr = t->frame.x[0];
    struct cte *slot = lookup(t, cptr);
    if (!slot) {
        if (is_call || blocking)
            cap_fault(t, cptr, false);
        return;
    }
    struct cap c = slot->cap;
    switch (c.type) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        /* As seL4's decodeInvocation: no write right is an invocation error. */
        if (!(c.rights & CAP_RIGHT_WRITE)) {
            t->frame.x[1] = seL4_MessageInfo_new(seL4_InvalidCapability, 0, 0, 0).words[0];
            return;
        }
        if (c.type == CAP_ENDPOINT) {
            ep_send(t, c, blocking, is_call);
            return;
        }
        ntfn_signal(cap_ptr(c), c.data);
        if (is_call)
            t->frame.x[1] = 0;
        return;
    default:
        invocation_handle(t, is_call);
        return;
    }
}

/* Recv and NBRecv: on an endpoint or a notification, with the read right. */
static void handle_recv(struct tcb *t, bool blocking)
{
    word_t cptr = t->frame.x[0];
    struct cte *slot = lookup(t, cptr);
    if (!slot || !(slot->cap.rights & CAP_RIGHT_READ)) {
        cap_fault(t, cptr, true);
        return;
    }
    struct cap c = slot->cap;
    if (c.type == CAP_ENDPOINT)
        ep_receive(t, c, blocking);
    else if (c.type == CAP_NOTIFICATION)
        ntfn_wait(t, cap_ptr(c), blocking);
    else if (NSET_PATCHED && c.type == CAP_NSET)
        nset_recv(t, c, blocking);
    else
        cap_fault(t, cptr, true);
}

void handle_syscall(struct tcb *t)
{
    word_t *x = t->frame.x;
    switch ((long)x[7]) {
    case seL4_SysCall:
        handle_send(t, true, true);
        break;
    case seL4_SysSend:
        handle_send(t, true, false);
        break;
    case seL4_SysNBSend:
        handle_send(t, false, false);
        break;
    case seL4_SysRecv:
        handle_recv(t, true);
        break;
    case seL4_SysNBRecv:
        handle_recv(t, false);
        break;
    case seL4_SysReply:
        ep_reply(t);
        break;
    case seL4_SysReplyRecv:
        ep_reply(t);
        handle_recv(t, true);
        break;
    case seL4_SysYield:
        sched_yield();
        break;
    case seL4_SysDebugPutChar:
        uart_putc((char)x[0]);
        break;
    case seL4_SysDebugHalt:
        kprintf("kernel: halted by thread '%s'\n", t->name);
        machine_shutdown(KERNEL_EXIT_HALT);
    case seL4_SysDebugNameThread:
        debug_name_thread(t);
        break;
    case seL4_SysDebugCapIdentify:
        debug_cap_identify(t);
        break;
    case seL4_SysDebugShutdown:
        machine_shutdown((int)x[0]);
#ifdef CONFIG_KERNEL_COUNTERS
    case seL4_SysBenchmarkResetCounters:
        counters_reset();
        x[0] = seL4_NoError;
        break;
    case seL4_SysBenchmarkGetCounters:
        counters_read(&x[2], &x[3], &x[4]);
        x[0] = seL4_NoError;
        break;
#endif
    default: {
        /* seL4 raises an UnknownSyscall fault; without a fault handler we return
         * seL4_IllegalOperation instead of suspending the thread (docs/kernel-api.md). */
        struct fault f = {.type = FAULT_UNKNOWN_SYSCALL, .pc = t->frame.fault_ip};
        if (!fault_send_to_handler(t, &f))
            x[0] = seL4_IllegalOperation;
        break;
    }
    }
}

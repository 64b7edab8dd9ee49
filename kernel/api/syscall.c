/*
 * System call dispatch. The register ABI is seL4's for AArch64 (libsel4/include/sel4/syscalls.h).
 */
#include <api/syscall.h>
#include <api/invocation.h>
#include <object/cnode.h>
#include <core.h>
#include <machine.h>
#include <printk.h>
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

void handle_syscall(struct tcb *t)
{
    word_t *x = t->frame.x;
    switch ((long)x[7]) {
    case seL4_SysCall:
        invocation_handle(t, true);
        break;
    case seL4_SysSend:
    case seL4_SysNBSend:
        invocation_handle(t, false);
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
    default:
        /* seL4 raises an UnknownSyscall fault here; with no fault handler it would suspend
         * the thread. We return seL4_IllegalOperation instead (docs/kernel-api.md). */
        x[0] = seL4_IllegalOperation;
        break;
    }
}

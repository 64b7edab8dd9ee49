/*
 * System call dispatch. The register ABI is seL4's for AArch64 (libsel4/include/sel4/syscalls.h).
 */
#include <api/syscall.h>
#include <core.h>
#include <machine.h>
#include <printk.h>
#include <sel4/syscalls.h>

void handle_syscall(struct tcb *t)
{
    word_t *x = t->frame.x;
    switch ((long)x[7]) {
    case seL4_SysYield:
        sched_yield();
        break;
    case seL4_SysDebugPutChar:
        uart_putc((char)x[0]);
        break;
    case seL4_SysDebugHalt:
        kprintf("kernel: halted by thread '%s'\n", t->name);
        machine_shutdown(KERNEL_EXIT_HALT);
    case seL4_SysDebugShutdown:
        machine_shutdown((int)x[0]);
    default:
        /* seL4 raises an UnknownSyscall fault here; with no fault handler it would suspend
         * the thread. We return seL4_IllegalOperation instead (docs/kernel-api.md). */
        x[0] = seL4_IllegalOperation;
        break;
    }
}

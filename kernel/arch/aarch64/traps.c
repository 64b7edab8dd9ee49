/*
 * Exception handling in C: what vectors.S calls after saving the user frame, the way back
 * to EL0, and kernel exceptions (always a kernel bug: dump and stop).
 */
#include <arch/arch.h>
#include <arch/objects.h>
#include <arch/sysreg.h>
#include <arch/vspace.h>
#include <api/fastpath.h>
#include <sel4/syscalls.h>
#include <api/syscall.h>
#include <counters.h>
#include <object/irq.h>
#include <core.h>
#include <fault.h>
#include <machine.h>
#include <printk.h>

/* Exception classes (ESR_EL1.EC) handled here. */
#define EC_UNKNOWN    0x00
#define EC_FP_ACCESS  0x07
#define EC_SVC64      0x15
#define EC_IABT_LOWER 0x20
#define EC_PC_ALIGN   0x22
#define EC_DABT_LOWER 0x24
#define EC_SP_ALIGN   0x26

static const char *const frame_reg_names[] = {"sp   ", "pc   ", "spsr ", "tpidr"};

void arch_dump_frame(const struct user_frame *f)
{
    for (int i = 0; i < 31; i += 2) {
        if (i == 30)
            kprintf("  x30 %016lx\n", f->x[30]);
        else
            kprintf("  x%02d %016lx  x%02d %016lx\n", i, f->x[i], i + 1, f->x[i + 1]);
    }
    const uint64_t vals[] = {f->sp, f->pc, f->spsr, f->tpidr};
    for (unsigned i = 0; i < ARRAY_SIZE(vals); i++)
        kprintf("  %s %016lx\n", frame_reg_names[i], vals[i]);
}

void arch_cpu_init(void)
{
    write_tpidr_el1((uint64_t)(uintptr_t)this_core());
    /* FP/SIMD: EL0 use traps until a thread owns the FPU (lazy switching). The kernel is
     * built without FP; only fpu.S touches the registers. */
    write_cpacr_el1(1ull << 20);
    this_core()->fpu_trap_setting = 1ull << 20;
    /* 16-bit ASIDs (seL4_NumASIDPoolsBits + seL4_ASIDPoolIndexBits). */
    uint64_t mmfr0;
    __asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
    if (((mmfr0 >> 4) & 0xf) != 2)
        panic("this CPU lacks 16-bit ASIDs");
    counters_init();
    /* EL0 may read the virtual counter and program the virtual timer. */
    write_cntkctl_el1(BIT(1) | BIT(8));
    isb();
}

void arch_switch_thread(struct tcb *prev, struct tcb *next)
{
    struct core *c = this_core();
    if (prev != &c->idle)
        prev->frame.tpidr = read_tpidr_el0();
    if (next == &c->idle)
        return;
    write_tpidr_el0(next->frame.tpidr);
    write_tpidrro_el0(next->frame.tpidrro);
    arch_set_vm_root(next);
    fpu_switch(next);
}

bool irq_pending(void)
{
    uint64_t isr;
    __asm__ volatile("mrs %0, isr_el1" : "=r"(isr));
    return isr & BIT(7);
}

/* Handles every interrupt that is pending now. */
static void handle_pending_irqs(void)
{
    for (;;) {
        unsigned irq = irq_ack();
        if (irq == IRQ_NONE)
            return;
        if (irq == timer_irq()) {
            timer_tick_rearm();
            sched_tick();
        } else {
            irq_deliver(irq);
        }
        irq_end(irq);
    }
}

noreturn void kernel_exit(void)
{
    struct core *c = this_core();
    schedule();
    while (c->cur == &c->idle) {
        if (c->live_threads == 0) {
            kprintf("kernel: every thread is inactive; nothing can run again\n");
            machine_shutdown(KERNEL_EXIT_NO_THREADS);
        }
        /* Interrupts stay masked: a pending one still ends WFI. */
        counters_idle_begin();
        wfi();
        counters_idle_end();
        handle_pending_irqs();
        schedule();
    }
    struct tcb *t = c->cur;
    if (t->state == THREAD_RESTART) {
        t->frame.pc = t->frame.fault_ip;
        t->state = THREAD_RUNNING;
    }
    counters_exit(t);
    restore_user_frame(&t->frame);
}

noreturn void handle_el0_sync(void)
{
    struct tcb *t = cur_thread();
    uint64_t esr = read_esr_el1();
    unsigned ec = (unsigned)(esr >> 26) & 0x3f;
    struct fault f = {.pc = t->frame.pc, .esr = esr};

    counters_entry(t);
    switch (ec) {
    case EC_SVC64:
        t->frame.fault_ip = t->frame.pc - 4;
        switch ((long)t->frame.x[7]) {
        case seL4_SysCall:
            fastpath_call(t);
            break;
        case seL4_SysReplyRecv:
            fastpath_reply_recv(t);
            break;
        case seL4_SysSend:
            fastpath_signal(t);
            break;
        case seL4_SysRecv:
        case seL4_SysNBRecv:
            fastpath_recv(t);
            break;
        default:
            break;
        }
        preemption_reset();
        handle_syscall(t);
        break;
    case EC_FP_ACCESS:
        fpu_trap(t);
        break;
    case EC_DABT_LOWER:
    case EC_IABT_LOWER:
        t->frame.fault_ip = t->frame.pc;
        f.type = FAULT_VM;
        f.addr = read_far_el1();
        f.instruction = ec == EC_IABT_LOWER;
        fault_raise(t, &f);
        break;
    case EC_PC_ALIGN:
        t->frame.fault_ip = t->frame.pc;
        f.addr = read_far_el1();
        f.type = FAULT_USER_EXCEPTION;
        fault_raise(t, &f);
        break;
    default:
        t->frame.fault_ip = t->frame.pc;
        f.type = FAULT_USER_EXCEPTION;
        fault_raise(t, &f);
        break;
    }
    kernel_exit();
}

noreturn void handle_el0_irq(void)
{
    counters_entry(cur_thread());
    handle_pending_irqs();
    kernel_exit();
}

noreturn void handle_el0_unexpected(void)
{
    struct tcb *t = cur_thread();
    struct fault f = {.type = FAULT_USER_EXCEPTION, .pc = t->frame.pc, .esr = read_esr_el1()};
    counters_entry(t);
    fault_raise(t, &f);
    kernel_exit();
}

void handle_el1_sync(struct user_frame *frame)
{
    if (machine_semihosting_refused(frame->pc))
        machine_power_off();
    uint64_t esr = read_esr_el1();
    kprintf("KERNEL PANIC: exception in the kernel: esr 0x%lx (class 0x%lx) far 0x%lx "
            "elr 0x%lx\n",
            esr, esr >> 26, read_far_el1(), frame->pc);
    arch_dump_frame(frame);
    machine_shutdown(KERNEL_EXIT_PANIC);
}

noreturn void handle_el1_unexpected(struct user_frame *frame)
{
    kprintf("KERNEL PANIC: unexpected exception vector at EL1, esr 0x%lx elr 0x%lx\n",
            read_esr_el1(), frame->pc);
    arch_dump_frame(frame);
    machine_shutdown(KERNEL_EXIT_PANIC);
}

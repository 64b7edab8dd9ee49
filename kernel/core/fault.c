/* Fault delivery. */
#include <fault.h>
#include <core.h>
#include <printk.h>

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

void fault_raise(struct tcb *t, const struct fault *f)
{
    kprintf("kernel: thread '%s': %s at address 0x%lx, pc 0x%lx, esr 0x%lx; "
            "no fault handler, thread suspended\n",
            t->name, fault_name(f), f->addr, f->pc, f->esr);
    thread_set_state(t, THREAD_INACTIVE);
}

/* C start-up: thread-local storage, constructors, main, exit; rt_init for root tasks. */
#include <rt/rt.h>
#include <runtime.h>
#include <stdlib.h>

int main(void);
void rt_start(void *arg);
void __libc_init_array(void);
void _init_tls(void *tls);
void _set_tls(void *tls);

/* The initial thread's TLS block, reserved by runtime/user.ld (.tdata stays a pristine
 * template for threads created later). */
extern char __tls_main[];

/* Exactly one of these is set: which kind of process this is. */
static seL4_BootInfo *bootinfo;
static struct rt_start_info *start_info;

seL4_BootInfo *rt_bootinfo(void)
{
    return bootinfo;
}

const struct rt_start_info *rt_start_info(void)
{
    return start_info;
}

/* Called by crt0 with the kernel's x0 (root task: boot info) or the parent's x0 (a process
 * from rt_process_create: start info, recognised by its magic first word). */
void rt_start(void *arg)
{
    struct rt_start_info *si = arg;
    if (si && si->magic == RT_START_INFO_MAGIC)
        start_info = si;
    else
        bootinfo = arg;
    _init_tls(__tls_main);
    _set_tls(__tls_main);
    __libc_init_array();
    exit(main());
}

/*
 * picolibc's exit() ends here once atexit handlers and destructors have run. The root task
 * ends the whole run. A child process must not: it records its status in its start info
 * page, where the parent reads it, signals the parent's exit notification and suspends
 * itself.
 */
void _exit(int status)
{
    if (start_info) {
        start_info->exit_status = (seL4_Word)status;
        __atomic_store_n(&start_info->exited, 1, __ATOMIC_RELEASE);
        if (start_info->exit_ntfn)
            seL4_Signal(start_info->exit_ntfn);
        seL4_TCB_Suspend(start_info->tcb);
        for (;;)
            seL4_Yield(); /* not reached */
    }
    seL4_DebugShutdown((seL4_Word)status);
}

/* The root task's services, in dependency order: slots (single-level), untyped memory
 * (splits need slots), the two-level CSpace (needs untyped memory for its CNodes), and the
 * description of the root task's VSpace. */
seL4_Error rt_init(unsigned flags)
{
    const seL4_BootInfo *bi = rt_bootinfo();
    if (!bi)
        return seL4_IllegalOperation;
    seL4_Error err = rt_cspace_init(bi);
    if (err == seL4_NoError)
        err = rt_untyped_init(bi);
    if (err == seL4_NoError && !(flags & RT_INIT_SINGLE_LEVEL))
        err = rt_cspace_bootstrap();
    if (err == seL4_NoError)
        err = rt_vspace_init_self(rt_vspace_self(), bi);
    return err;
}

seL4_Word rt_raw_syscall(long number, const seL4_Word args[6])
{
    register seL4_Word x0 __asm__("x0") = args[0];
    register seL4_Word x1 __asm__("x1") = args[1];
    register seL4_Word x2 __asm__("x2") = args[2];
    register seL4_Word x3 __asm__("x3") = args[3];
    register seL4_Word x4 __asm__("x4") = args[4];
    register seL4_Word x5 __asm__("x5") = args[5];
    register seL4_Word x7 __asm__("x7") = (seL4_Word)number;
    __asm__ volatile("svc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5)
                     : "r"(x7)
                     : "memory");
    return x0;
}

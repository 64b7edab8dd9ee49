/* C start-up: thread-local storage, constructors, main, exit. */
#include <runtime.h>
#include <stdlib.h>

int main(void);
void rt_start(seL4_BootInfo *bi);
void __libc_init_array(void);
void _init_tls(void *tls);
void _set_tls(void *tls);

/* The initial thread's TLS block, reserved by runtime/user.ld (.tdata stays a pristine
 * template for threads created later). */
extern char __tls_main[];

static seL4_BootInfo *bootinfo;

seL4_BootInfo *rt_bootinfo(void)
{
    return bootinfo;
}

void rt_start(seL4_BootInfo *bi)
{
    bootinfo = bi;
    _init_tls(__tls_main);
    _set_tls(__tls_main);
    __libc_init_array();
    exit(main());
}

/* picolibc's exit() ends here once atexit handlers and destructors have run. */
void _exit(int status)
{
    seL4_DebugShutdown((seL4_Word)status);
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

/*
 * The user-level system call interface, with libsel4's names and AArch64 register ABI:
 * x7 = syscall number, x0 = capability or argument, x1 = message info, x2..x5 = message
 * registers. Include this from user programs (not from the kernel).
 */
#ifndef SEL4_SEL4_H
#define SEL4_SEL4_H

#include <sel4/types.h>
#include <sel4/errors.h>
#include <sel4/syscalls.h>
#include <sel4/bootinfo.h>

/* Writes one character to the kernel console. */
static inline void seL4_DebugPutChar(char c)
{
    register seL4_Word x0 __asm__("x0") = (seL4_Word)(unsigned char)c;
    register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysDebugPutChar;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x7) : "memory");
}

/* Stops the system (debug builds of seL4; here it ends the QEMU run with status 122). */
static inline void seL4_DebugHalt(void)
{
    register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysDebugHalt;
    __asm__ volatile("svc #0" ::"r"(x7) : "memory");
}

/* Gives up the rest of the time slice to threads of the same priority. */
static inline void seL4_Yield(void)
{
    register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysYield;
    __asm__ volatile("svc #0" ::"r"(x7) : "memory");
}

/* Project extension (no seL4 counterpart): ends the run; QEMU exits with status when it
 * was started with -semihosting. Does not return. */
static inline __attribute__((noreturn)) void seL4_DebugShutdown(seL4_Word status)
{
    register seL4_Word x0 __asm__("x0") = status;
    register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysDebugShutdown;
    __asm__ volatile("svc #0" ::"r"(x0), "r"(x7) : "memory");
    __builtin_unreachable();
}

#endif

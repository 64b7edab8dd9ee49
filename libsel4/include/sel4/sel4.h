/*
 * The user-level system call interface, with libsel4's names and AArch64 register ABI:
 * x7 = syscall number, x0 = capability or argument, x1 = message info, x2..x5 = message
 * registers. Include this from user programs (not from the kernel).
 */
#ifndef SEL4_SEL4_H
#define SEL4_SEL4_H

#include <stddef.h>
#include <sel4/types.h>
#include <sel4/errors.h>
#include <sel4/syscalls.h>
#include <sel4/bootinfo.h>
#include <sel4/constants.h>
#include <sel4/messageinfo.h>
#include <sel4/objecttype.h>
#include <sel4/invocation.h>
#include <sel4/faults.h>

/* This thread's IPC buffer. The kernel keeps its address in TPIDRRO_EL0 (set by
 * TCB_Configure / TCB_SetIPCBuffer), so no runtime set-up is needed. */
static inline seL4_IPCBuffer *seL4_GetIPCBuffer(void)
{
    seL4_IPCBuffer *b;
    __asm__ volatile("mrs %0, tpidrro_el0" : "=r"(b));
    return b;
}

static inline seL4_Word seL4_GetMR(int i)
{
    return seL4_GetIPCBuffer()->msg[i];
}

static inline void seL4_SetMR(int i, seL4_Word v)
{
    seL4_GetIPCBuffer()->msg[i] = v;
}

/* Extra capability i of the next message (a cptr in the sender's CSpace). */
static inline void seL4_SetCap(int i, seL4_CPtr cptr)
{
    seL4_GetIPCBuffer()->caps_or_badges[i] = cptr;
}

/* Badge of the i-th capability a received message unwrapped. */
static inline seL4_Word seL4_GetBadge(int i)
{
    return seL4_GetIPCBuffer()->caps_or_badges[i];
}

/* Where the next received capability is stored: (root, index, depth). */
static inline void seL4_SetCapReceivePath(seL4_CPtr root, seL4_CPtr index, seL4_Word depth)
{
    seL4_IPCBuffer *b = seL4_GetIPCBuffer();
    b->receiveCNode = root;
    b->receiveIndex = index;
    b->receiveDepth = depth;
}

/* The syscalls that move messages. Each takes and returns message registers 0..3 in x2..x5
 * (the *WithMRs forms give direct access; the plain forms copy them from and to the IPC
 * buffer, so seL4_GetMR/seL4_SetMR cover every register). x0 carries the capability in
 * and the sender's badge out; x1 the message info. */
static inline seL4_MessageInfo_t seL4_Syscall_(seL4_Word number, seL4_Word *x0_inout,
                                               seL4_MessageInfo_t info, seL4_Word *mr0,
                                               seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    register seL4_Word x0 __asm__("x0") = *x0_inout;
    register seL4_Word x1 __asm__("x1") = info.words[0];
    register seL4_Word x2 __asm__("x2") = mr0 ? *mr0 : 0;
    register seL4_Word x3 __asm__("x3") = mr1 ? *mr1 : 0;
    register seL4_Word x4 __asm__("x4") = mr2 ? *mr2 : 0;
    register seL4_Word x5 __asm__("x5") = mr3 ? *mr3 : 0;
    register seL4_Word x7 __asm__("x7") = number;
    __asm__ volatile("svc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5)
                     : "r"(x7)
                     : "memory");
    *x0_inout = x0;
    if (mr0)
        *mr0 = x2;
    if (mr1)
        *mr1 = x3;
    if (mr2)
        *mr2 = x4;
    if (mr3)
        *mr3 = x5;
    seL4_MessageInfo_t out = {{x1}};
    return out;
}

/* seL4_Call with message registers 0..3 passed in registers (x2..x5); any pointer may be
 * NULL, meaning zero in and ignored out. */
static inline seL4_MessageInfo_t seL4_CallWithMRs(seL4_CPtr dest, seL4_MessageInfo_t info,
                                                  seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2,
                                                  seL4_Word *mr3)
{
    seL4_Word x0 = dest;
    return seL4_Syscall_(seL4_SysCall, &x0, info, mr0, mr1, mr2, mr3);
}

/* seL4_Call: message registers 0..3 travel in registers but are read from and written back
 * to the IPC buffer, so seL4_GetMR/seL4_SetMR see every register. */
static inline seL4_MessageInfo_t seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t info)
{
    seL4_IPCBuffer *b = seL4_GetIPCBuffer();
    return seL4_CallWithMRs(dest, info, &b->msg[0], &b->msg[1], &b->msg[2], &b->msg[3]);
}

/* seL4_Send: no reply (an invocation sent this way reports no error). */
static inline void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t info)
{
    seL4_IPCBuffer *b = seL4_GetIPCBuffer();
    register seL4_Word x0 __asm__("x0") = dest;
    register seL4_Word x1 __asm__("x1") = info.words[0];
    register seL4_Word x2 __asm__("x2") = b->msg[0];
    register seL4_Word x3 __asm__("x3") = b->msg[1];
    register seL4_Word x4 __asm__("x4") = b->msg[2];
    register seL4_Word x5 __asm__("x5") = b->msg[3];
    register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysSend;
    __asm__ volatile("svc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5)
                     : "r"(x7)
                     : "memory");
}

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

#define seL4_IPCBufferMRs_(b) &(b)->msg[0], &(b)->msg[1], &(b)->msg[2], &(b)->msg[3]

static inline void seL4_NBSend(seL4_CPtr dest, seL4_MessageInfo_t info)
{
    seL4_Word x0 = dest;
    seL4_Syscall_(seL4_SysNBSend, &x0, info, seL4_IPCBufferMRs_(seL4_GetIPCBuffer()));
}

static inline seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender)
{
    seL4_Word x0 = src;
    seL4_MessageInfo_t info = seL4_Syscall_(seL4_SysRecv, &x0, seL4_MessageInfo_new(0, 0, 0, 0),
                                            seL4_IPCBufferMRs_(seL4_GetIPCBuffer()));
    if (sender)
        *sender = x0;
    return info;
}

static inline seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender)
{
    seL4_Word x0 = src;
    seL4_MessageInfo_t info = seL4_Syscall_(seL4_SysNBRecv, &x0, seL4_MessageInfo_new(0, 0, 0, 0),
                                            seL4_IPCBufferMRs_(seL4_GetIPCBuffer()));
    if (sender)
        *sender = x0;
    return info;
}

static inline void seL4_Reply(seL4_MessageInfo_t info)
{
    seL4_Word x0 = 0;
    seL4_Syscall_(seL4_SysReply, &x0, info, seL4_IPCBufferMRs_(seL4_GetIPCBuffer()));
}

static inline seL4_MessageInfo_t seL4_ReplyRecv(seL4_CPtr src, seL4_MessageInfo_t info,
                                                seL4_Word *sender)
{
    seL4_Word x0 = src;
    seL4_MessageInfo_t out =
        seL4_Syscall_(seL4_SysReplyRecv, &x0, info, seL4_IPCBufferMRs_(seL4_GetIPCBuffer()));
    if (sender)
        *sender = x0;
    return out;
}

static inline seL4_MessageInfo_t seL4_RecvWithMRs(seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0,
                                                  seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_Word x0 = src;
    seL4_MessageInfo_t info =
        seL4_Syscall_(seL4_SysRecv, &x0, seL4_MessageInfo_new(0, 0, 0, 0), mr0, mr1, mr2, mr3);
    if (sender)
        *sender = x0;
    return info;
}

static inline seL4_MessageInfo_t seL4_ReplyRecvWithMRs(seL4_CPtr src, seL4_MessageInfo_t info,
                                                       seL4_Word *sender, seL4_Word *mr0,
                                                       seL4_Word *mr1, seL4_Word *mr2,
                                                       seL4_Word *mr3)
{
    seL4_Word x0 = src;
    seL4_MessageInfo_t out = seL4_Syscall_(seL4_SysReplyRecv, &x0, info, mr0, mr1, mr2, mr3);
    if (sender)
        *sender = x0;
    return out;
}

static inline void seL4_SendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t info, seL4_Word *mr0,
                                    seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_Word x0 = dest;
    seL4_Syscall_(seL4_SysSend, &x0, info, mr0, mr1, mr2, mr3);
}

/* Notifications: Signal ORs the cap's badge into the word (or wakes a waiter); Wait blocks
 * until the word is non-zero and returns it (clearing it); Poll does not block (0 if
 * nothing was pending). */
static inline void seL4_Signal(seL4_CPtr dest)
{
    seL4_Word x0 = dest;
    seL4_Syscall_(seL4_SysSend, &x0, seL4_MessageInfo_new(0, 0, 0, 0), NULL, NULL, NULL, NULL);
}

static inline void seL4_Wait(seL4_CPtr src, seL4_Word *sender)
{
    seL4_Word x0 = src;
    seL4_Syscall_(seL4_SysRecv, &x0, seL4_MessageInfo_new(0, 0, 0, 0), NULL, NULL, NULL, NULL);
    if (sender)
        *sender = x0;
}

static inline seL4_MessageInfo_t seL4_Poll(seL4_CPtr src, seL4_Word *sender)
{
    seL4_Word x0 = src;
    seL4_MessageInfo_t info = seL4_Syscall_(seL4_SysNBRecv, &x0, seL4_MessageInfo_new(0, 0, 0, 0),
                                            NULL, NULL, NULL, NULL);
    if (sender)
        *sender = x0;
    return info;
}

/* Project extension, kernels built with NS_KERNEL_COUNTERS: what the kernel counted since
 * the last reset. Returns seL4_IllegalOperation on kernels without counters. */
typedef struct {
    seL4_Word kernel_entries;   /* exceptions taken from EL0 (syscalls, faults, interrupts) */
    seL4_Word context_switches; /* returns to EL0 in another thread than the one that entered */
    seL4_Word max_entry_cycles; /* longest kernel entry, in PMCCNTR_EL0 units, idle excluded */
} seL4_BenchmarkCounters;

static inline seL4_Error seL4_BenchmarkResetCounters(void)
{
    seL4_Word x0 = 0;
    seL4_Syscall_(seL4_SysBenchmarkResetCounters, &x0, seL4_MessageInfo_new(0, 0, 0, 0), NULL, NULL,
                  NULL, NULL);
    return (seL4_Error)x0;
}

static inline seL4_Error seL4_BenchmarkGetCounters(seL4_BenchmarkCounters *c)
{
    seL4_Word x0 = 0, a = 0, b = 0, m = 0;
    seL4_Syscall_(seL4_SysBenchmarkGetCounters, &x0, seL4_MessageInfo_new(0, 0, 0, 0), &a, &b, &m,
                  NULL);
    c->kernel_entries = a;
    c->context_switches = b;
    c->max_entry_cycles = m;
    return (seL4_Error)x0;
}

/* The PMU cycle counter (instructions, under QEMU -icount shift=0). Readable at EL0 only
 * on kernels built with NS_KERNEL_COUNTERS. */
static inline seL4_Word seL4_BenchmarkReadCycles(void)
{
    seL4_Word v;
    __asm__ volatile("isb\n\tmrs %0, pmccntr_el0" : "=r"(v));
    return v;
}

/* Names the thread for kernel messages (fault reports, debug output). */
static inline void seL4_DebugNameThread(seL4_CPtr tcb, const char *name)
{
    char *dst = (char *)seL4_GetIPCBuffer()->msg;
    unsigned i = 0;
    for (; name[i] && i < sizeof(seL4_Word) * seL4_MsgMaxLength - 1; i++)
        dst[i] = name[i];
    dst[i] = '\0';
    register seL4_Word x0 __asm__("x0") = tcb;
    register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysDebugNameThread;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x7) : "memory");
}

/* The kind of capability in slot cap of the caller's CSpace (seL4_CapType_*; Null if the
 * lookup fails). */
static inline seL4_Word seL4_DebugCapIdentify(seL4_CPtr cap)
{
    register seL4_Word x0 __asm__("x0") = cap;
    register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysDebugCapIdentify;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x7) : "memory");
    return x0;
}

#include <sel4/invocations.h>

#endif

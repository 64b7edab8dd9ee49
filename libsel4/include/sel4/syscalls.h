/*
 * System call numbers. The first block has seL4's (non-MCS) numbers and meanings; the debug
 * block follows seL4's debug build. Numbers from -32 down are this project's extensions and
 * have no seL4 counterpart (see docs/kernel-api.md).
 *
 * ABI (AArch64, as seL4): x7 = syscall number, x0 = capability / first argument,
 * x1 = message info, x2..x5 = message registers 0..3; results come back in the same registers.
 */
#ifndef SEL4_SYSCALLS_H
#define SEL4_SYSCALLS_H

typedef enum {
    seL4_SysCall = -1,
    seL4_SysReplyRecv = -2,
    seL4_SysSend = -3,
    seL4_SysNBSend = -4,
    seL4_SysRecv = -5,
    seL4_SysReply = -6,
    seL4_SysYield = -7,
    seL4_SysNBRecv = -8,
    seL4_SysDebugPutChar = -9,
    seL4_SysDebugDumpScheduler = -10,
    seL4_SysDebugHalt = -11,
    seL4_SysDebugCapIdentify = -12,
    seL4_SysDebugSnapshot = -13,
    seL4_SysDebugNameThread = -14,
    /* Project extensions. */
    seL4_SysDebugShutdown = -32,
    seL4_SysBenchmarkResetCounters = -33, /* kernels built with NS_KERNEL_COUNTERS only */
    seL4_SysBenchmarkGetCounters = -34,
} seL4_Syscall_ID;

#endif

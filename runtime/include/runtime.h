/*
 * The user-level runtime: process start-up, console, and helpers every program on this
 * kernel shares. The allocators, threads and processes are in rt/rt.h.
 */
#ifndef RUNTIME_H
#define RUNTIME_H

#include <sel4/sel4.h>
#include <rt/start_info.h>

/* The boot info the kernel handed the root task (NULL in other processes). */
seL4_BootInfo *rt_bootinfo(void);

/* Issues system call number `number` with x0..x5 = args and returns x0 afterwards.
 * For tests of the syscall layer itself; programs use the seL4_* stubs. */
seL4_Word rt_raw_syscall(long number, const seL4_Word args[6]);

#endif

/* Entry points between the generic kernel and the AArch64 assembly and trap code. */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <types.h>
#include <arch/frame.h>

/* vectors.S */
extern char vectors[];
noreturn void restore_user_frame(struct user_frame *frame);
void semihost_exit(uint64_t code);
extern char semihost_hlt[];
noreturn void psci_system_off(uint64_t use_smc);

/* machine.c */
bool machine_semihosting_refused(uint64_t pc);
noreturn void machine_power_off(void);

/* traps.c: C entry points called from vectors.S (never return). */
noreturn void handle_el0_sync(void);
noreturn void handle_el0_irq(void);
noreturn void handle_el0_unexpected(void);
void handle_el1_sync(struct user_frame *frame);
noreturn void handle_el1_unexpected(struct user_frame *frame);

/* Prints a register frame (panic dumps and fault reports). */
void arch_dump_frame(const struct user_frame *frame);

/* Per-CPU setup done once at boot: exception vectors, FP access, counters for EL0. */
void arch_cpu_init(void);

#endif

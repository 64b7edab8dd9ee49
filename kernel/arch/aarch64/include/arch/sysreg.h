/*
 * System registers through small inline accessors, and the few barrier helpers the kernel
 * uses. Only this header contains inline assembly for system registers.
 */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#include <stdint.h>

#define SYSREG_READ(name)                                                                          \
    static inline uint64_t read_##name(void)                                                       \
    {                                                                                              \
        uint64_t v;                                                                                \
        __asm__ volatile("mrs %0, " #name : "=r"(v));                                              \
        return v;                                                                                  \
    }
#define SYSREG_WRITE(name)                                                                         \
    static inline void write_##name(uint64_t v)                                                    \
    {                                                                                              \
        __asm__ volatile("msr " #name ", %0" ::"r"(v));                                            \
    }
#define SYSREG_RW(name) SYSREG_READ(name) SYSREG_WRITE(name)

SYSREG_READ(esr_el1)
SYSREG_READ(far_el1)
SYSREG_READ(currentel)
SYSREG_READ(cntfrq_el0)
SYSREG_READ(cntpct_el0)
SYSREG_READ(midr_el1)
SYSREG_RW(elr_el1)
SYSREG_RW(spsr_el1)
SYSREG_RW(tpidr_el0)
SYSREG_RW(tpidrro_el0)
SYSREG_RW(tpidr_el1)
SYSREG_RW(ttbr0_el1)
SYSREG_RW(cntp_ctl_el0)
SYSREG_RW(cntp_cval_el0)
SYSREG_RW(cpacr_el1)
SYSREG_RW(cntkctl_el1)

static inline void isb(void)
{
    __asm__ volatile("isb" ::: "memory");
}

static inline void dsb_ish(void)
{
    __asm__ volatile("dsb ish" ::: "memory");
}

static inline void dsb_ishst(void)
{
    __asm__ volatile("dsb ishst" ::: "memory");
}

static inline void wfi(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

/* Drop every TLB entry of one ASID (inner shareable). */
static inline void tlbi_asid(uint64_t asid)
{
    __asm__ volatile("tlbi aside1is, %0" ::"r"(asid << 48) : "memory");
}

/* Drop the TLB entries for one user page of one ASID. */
static inline void tlbi_page(uint64_t asid, uint64_t vaddr)
{
    __asm__ volatile("tlbi vae1is, %0" ::"r"((asid << 48) | ((vaddr >> 12) & 0xfffffffffff))
                     : "memory");
}

/* Make instruction fetches see data just written through the data side (a loaded image). */
static inline void sync_icache_all(void)
{
    __asm__ volatile("dsb ish\n\tic ialluis\n\tdsb ish\n\tisb" ::: "memory");
}

/* Clean a range of the data cache to the point of unification, so instruction fetch from
 * the same physical memory sees it. */
static inline void dcache_clean_pou(uintptr_t start, uintptr_t end)
{
    for (uintptr_t p = start & ~(uintptr_t)63; p < end; p += 64)
        __asm__ volatile("dc cvau, %0" ::"r"(p) : "memory");
}

#endif

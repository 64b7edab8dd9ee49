/* Kernel counters on the PMU cycle counter (benchmark builds only; see counters.h). */
#include <counters.h>
#include <arch/sysreg.h>

#ifdef CONFIG_KERNEL_COUNTERS

static struct {
    uint64_t entries;
    uint64_t switches;
    uint64_t max_entry;
    uint64_t entry_start; /* PMCCNTR at entry (or at the end of an idle wait) */
    uint64_t entry_done;  /* cycles of this entry before an idle wait */
    struct tcb *entry_thread;
} counters;

static inline uint64_t read_pmccntr(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, pmccntr_el0" : "=r"(v));
    return v;
}

/* Starts the cycle counter (EL0 and EL1) and lets EL0 read it. */
void counters_init(void)
{
    __asm__ volatile("msr pmccfiltr_el0, xzr\n\t"
                     "msr pmcr_el0, %0\n\t"
                     "msr pmcntenset_el0, %1\n\t"
                     "msr pmuserenr_el0, %2\n\t"
                     "isb" ::"r"((uint64_t)(1 | 4 | 64)), /* E, C (reset), LC */
                     "r"(BIT(31)),                        /* the cycle counter */
                     "r"((uint64_t)(1 | 4)));             /* EN, CR */
}

void counters_entry(struct tcb *cur)
{
    counters.entry_start = read_pmccntr();
    counters.entry_done = 0;
    counters.entries++;
    counters.entry_thread = cur;
}

void counters_idle_begin(void)
{
    counters.entry_done += read_pmccntr() - counters.entry_start;
}

void counters_idle_end(void)
{
    counters.entry_start = read_pmccntr();
}

void counters_exit(struct tcb *cur)
{
    uint64_t d = counters.entry_done + read_pmccntr() - counters.entry_start;
    if (d > counters.max_entry)
        counters.max_entry = d;
    if (cur != counters.entry_thread)
        counters.switches++;
}

void counters_reset(void)
{
    counters.entries = counters.switches = counters.max_entry = 0;
}

void counters_read(word_t *entries, word_t *switches, word_t *max_entry)
{
    *entries = counters.entries ? counters.entries - 1 : 0;
    *switches = counters.switches;
    *max_entry = counters.max_entry;
}

#endif

/* The kernel tick: the EL1 physical generic timer (PPI 30), rearmed by compare value so
 * ticks do not drift. The virtual timer is left for user level. */
#include <machine.h>
#include <config.h>
#include <arch/board.h>
#include <arch/sysreg.h>

static uint64_t tick_period;
static uint64_t next_deadline;

void timer_init(void)
{
    tick_period = read_cntfrq_el0() / 1000000 * CONFIG_TIMER_TICK_US;
    next_deadline = read_cntpct_el0() + tick_period;
    write_cntp_cval_el0(next_deadline);
    write_cntp_ctl_el0(1); /* enabled, not masked */
    irq_enable(BOARD_IRQ_PTIMER);
}

void timer_tick_rearm(void)
{
    uint64_t now = read_cntpct_el0();
    next_deadline += tick_period;
    if (next_deadline <= now) /* missed ticks (long idle): skip, do not burst */
        next_deadline = now + tick_period;
    write_cntp_cval_el0(next_deadline);
}

unsigned timer_irq(void)
{
    return BOARD_IRQ_PTIMER;
}

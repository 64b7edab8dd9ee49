/*
 * GICv2 distributor and CPU interface. All interrupts are group 0, routed to core 0, at one
 * priority; the kernel runs with interrupts masked and takes them only at EL0 or in idle.
 */
#include <machine.h>
#include <arch/mmio.h>

#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ICPENDR    0x280
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICD_ICFGR      0xc00

#define GICC_CTLR 0x000
#define GICC_PMR  0x004
#define GICC_BPR  0x008
#define GICC_IAR  0x00c
#define GICC_EOIR 0x010

#define GICD(off) (MMIO_VA(BOARD_GICD_PA) + (off))
#define GICC(off) (MMIO_VA(BOARD_GICC_PA) + (off))

static unsigned gic_num_irqs;

void irq_controller_init(void)
{
    mmio_write32(GICD(GICD_CTLR), 0);
    gic_num_irqs = ((mmio_read32(GICD(GICD_TYPER)) & 0x1f) + 1) * 32;
    if (gic_num_irqs > BOARD_NUM_IRQS)
        gic_num_irqs = BOARD_NUM_IRQS;
    for (unsigned i = 0; i < gic_num_irqs; i += 32) {
        mmio_write32(GICD(GICD_ICENABLER + i / 8), 0xffffffff);
        mmio_write32(GICD(GICD_ICPENDR + i / 8), 0xffffffff);
    }
    for (unsigned i = 0; i < gic_num_irqs; i += 4)
        mmio_write32(GICD(GICD_IPRIORITYR + i), 0xa0a0a0a0);
    /* SPIs go to core 0; SGI/PPI target registers are read-only. */
    for (unsigned i = 32; i < gic_num_irqs; i += 4)
        mmio_write32(GICD(GICD_ITARGETSR + i), 0x01010101);
    mmio_write32(GICD(GICD_CTLR), 1);

    mmio_write32(GICC(GICC_PMR), 0xff);
    mmio_write32(GICC(GICC_BPR), 0);
    mmio_write32(GICC(GICC_CTLR), 1);
}

void irq_enable(unsigned irq)
{
    mmio_write32(GICD(GICD_ISENABLER + (irq / 32) * 4), 1u << (irq % 32));
}

void irq_set_trigger(unsigned irq, bool edge)
{
    uintptr_t reg = GICD(GICD_ICFGR + (irq / 16) * 4);
    unsigned shift = (irq % 16) * 2 + 1;
    uint32_t v = mmio_read32(reg);
    v = edge ? v | (1u << shift) : v & ~(1u << shift);
    mmio_write32(reg, v);
}

void irq_disable(unsigned irq)
{
    mmio_write32(GICD(GICD_ICENABLER + (irq / 32) * 4), 1u << (irq % 32));
}

unsigned irq_ack(void)
{
    unsigned irq = mmio_read32(GICC(GICC_IAR)) & 0x3ff;
    return irq >= 1020 ? IRQ_NONE : irq;
}

void irq_end(unsigned irq)
{
    mmio_write32(GICC(GICC_EOIR), irq);
}

/* The kernel's C entry point, called once by boot.S on the boot stack with the MMU on. */
#include <boot.h>
#include <core.h>
#include <machine.h>
#include <memory.h>
#include <printk.h>
#include <arch/arch.h>
#include <arch/board.h>

extern char __kernel_end[];
extern char boot_stack_top[];

noreturn void kernel_main(unsigned el);
noreturn void kernel_main(unsigned el)
{
    boot_el = el;
    uart_init();
    kprintf("\nnotifyset kernel: seL4-style microkernel for AArch64 (QEMU virt), entered at "
            "EL%u\n",
            el);
    core_init((word_t)(uintptr_t)boot_stack_top);
    arch_cpu_init();
    irq_controller_init();
    timer_init();
    bootmem_init(kva_to_paddr(__kernel_end), BOARD_RAM_PA + BOARD_RAM_SIZE);
    kprintf("kernel: RAM 0x%lx..0x%lx, kernel image ends at 0x%lx\n", (uint64_t)BOARD_RAM_PA,
            (uint64_t)(BOARD_RAM_PA + BOARD_RAM_SIZE), kva_to_paddr(__kernel_end));
    roottask_create();
    kernel_exit();
}

/* Ending the run: semihosting exit with a status, or PSCI SYSTEM_OFF. */
#include <machine.h>
#include <printk.h>
#include <arch/arch.h>

unsigned boot_el;
static bool shutting_down;

noreturn void machine_shutdown(int status)
{
    kprintf("kernel: shutdown, status %d\n", status);
    shutting_down = true;
    semihost_exit((uint64_t)status);
    psci_system_off(boot_el == 2);
}

/* Called from the EL1 exception handler: true if the exception is the HLT of a semihosting
 * call that QEMU refused, in which case the caller should power off instead. */
bool machine_semihosting_refused(uint64_t pc)
{
    return shutting_down && pc == (uint64_t)semihost_hlt;
}

noreturn void machine_power_off(void)
{
    psci_system_off(boot_el == 2);
}

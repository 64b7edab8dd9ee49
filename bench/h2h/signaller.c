/*
 * The head-to-head benchmark's signaller in another address space (scenario wake_xas): a
 * child process that, each time its parent signals its "go" notification, reads the
 * cycle counter into a page shared with the parent and signals the member it was given.
 * Caps: RT_START_SLOT_FIRST_CAP = go (read), + 1 = the member's signalling cap.
 * Start-info word 0: the shared page's address in this process.
 */
#include <runtime.h>
#include <rt/start_info.h>

int main(void)
{
    const struct rt_start_info *si = rt_start_info();
    seL4_CPtr go = RT_START_SLOT_FIRST_CAP, target = RT_START_SLOT_FIRST_CAP + 1;
    volatile seL4_Word *shared = (volatile seL4_Word *)si->words[0];
    for (;;) {
        seL4_Wait(go, NULL);
        shared[0] = seL4_BenchmarkReadCycles();
        seL4_Signal(target);
    }
}

/*
 * Root task for the harness self-tests: proves tools/qemu-run can fail. Built twice:
 * HARNESS_HANG spins forever (the runner must report a timeout), otherwise one check
 * fails (the runner must reject the summary). Both CTest entries are marked WILL_FAIL.
 */
#include "testlib.h"

int main(void)
{
    test_begin("harness");
#ifdef HARNESS_HANG
    for (;;)
        __asm__ volatile("" ::: "memory");
#endif
    CHECK(1, "a passing check");
    CHECK(0, "a failing check, on purpose");
    test_finish();
}

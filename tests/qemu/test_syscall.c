/*
 * Syscall layer: a bad syscall number returns seL4_IllegalOperation and changes nothing
 * else; every register not used for results comes back unchanged from a syscall.
 */
#include <runtime.h>
#include <stdint.h>
#include <stdio.h>
#include "testlib.h"

/* Issues syscall `number` with x0..x5 = 0x100..0x105 and x8..x18, x19..x28 = known values,
 * then returns a mask of the registers x1..x28 (bit n = xn) that came back changed. */
static uint64_t changed_registers(long number, uint64_t *x0_out)
{
    uint64_t regs[29];
    register uint64_t x7 __asm__("x7") = (uint64_t)number;
    __asm__ volatile("stp x19, x20, [sp, #-96]!\n\t"
                     "stp x21, x22, [sp, #16]\n\t"
                     "stp x23, x24, [sp, #32]\n\t"
                     "stp x25, x26, [sp, #48]\n\t"
                     "stp x27, x28, [sp, #64]\n\t"
                     "str %[out], [sp, #80]\n\t"
                     "mov x0, #0x100\n\t"
                     "mov x1, #0x101\n\t"
                     "mov x2, #0x102\n\t"
                     "mov x3, #0x103\n\t"
                     "mov x4, #0x104\n\t"
                     "mov x5, #0x105\n\t"
                     "mov x6, #0x106\n\t"
                     "mov x8, #0x108\n\t"
                     "mov x9, #0x109\n\t"
                     "mov x10, #0x10a\n\t"
                     "mov x11, #0x10b\n\t"
                     "mov x12, #0x10c\n\t"
                     "mov x13, #0x10d\n\t"
                     "mov x14, #0x10e\n\t"
                     "mov x15, #0x10f\n\t"
                     "mov x16, #0x110\n\t"
                     "mov x17, #0x111\n\t"
                     "mov x18, #0x112\n\t"
                     "mov x19, #0x113\n\t"
                     "mov x20, #0x114\n\t"
                     "mov x21, #0x115\n\t"
                     "mov x22, #0x116\n\t"
                     "mov x23, #0x117\n\t"
                     "mov x24, #0x118\n\t"
                     "mov x25, #0x119\n\t"
                     "mov x26, #0x11a\n\t"
                     "mov x27, #0x11b\n\t"
                     "mov x28, #0x11c\n\t"
                     "svc #0\n\t"
                     "ldr x7, [sp, #80]\n\t"
                     "stp x0, x1, [x7, #0]\n\t"
                     "stp x2, x3, [x7, #16]\n\t"
                     "stp x4, x5, [x7, #32]\n\t"
                     "stp x6, xzr, [x7, #48]\n\t"
                     "stp x8, x9, [x7, #64]\n\t"
                     "stp x10, x11, [x7, #80]\n\t"
                     "stp x12, x13, [x7, #96]\n\t"
                     "stp x14, x15, [x7, #112]\n\t"
                     "stp x16, x17, [x7, #128]\n\t"
                     "stp x18, x19, [x7, #144]\n\t"
                     "stp x20, x21, [x7, #160]\n\t"
                     "stp x22, x23, [x7, #176]\n\t"
                     "stp x24, x25, [x7, #192]\n\t"
                     "stp x26, x27, [x7, #208]\n\t"
                     "str x28, [x7, #224]\n\t"
                     "ldp x21, x22, [sp, #16]\n\t"
                     "ldp x23, x24, [sp, #32]\n\t"
                     "ldp x25, x26, [sp, #48]\n\t"
                     "ldp x27, x28, [sp, #64]\n\t"
                     "ldp x19, x20, [sp], #96\n\t"
                     : "+r"(x7)
                     : [out] "r"(regs)
                     : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x8", "x9", "x10", "x11", "x12",
                       "x13", "x14", "x15", "x16", "x17", "x18", "memory");
    uint64_t mask = 0;
    for (int i = 1; i <= 28; i++) {
        if (i == 7)
            continue;
        if (regs[i] != 0x100u + (unsigned)i)
            mask |= 1ull << i;
    }
    *x0_out = regs[0];
    return mask;
}

int main(void)
{
    test_begin("syscall");
    static const long bad[] = {0, 1, 7, 1000, -15, -31, -33, -1000000, 0x7fffffffffffffffL};
    char what[96];
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint64_t x0;
        uint64_t changed = changed_registers(bad[i], &x0);
        snprintf(what, sizeof(what), "syscall %ld returns seL4_IllegalOperation", bad[i]);
        CHECK_EQ(x0, seL4_IllegalOperation, what);
        snprintf(what, sizeof(what), "syscall %ld leaves x1..x28 unchanged", bad[i]);
        CHECK_EQ(changed, 0, what);
    }

    uint64_t x0;
    CHECK_EQ(changed_registers(seL4_SysYield, &x0), 0, "seL4_Yield preserves x1..x28");
    CHECK_EQ(x0, 0x100, "seL4_Yield preserves x0");
    CHECK_EQ(changed_registers(seL4_SysDebugPutChar, &x0), 0,
             "seL4_DebugPutChar preserves registers");
    printf("\n");

    test_finish();
}

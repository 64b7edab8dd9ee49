/*
 * Boot test: the root task runs at EL0 in its own address space with a working C runtime
 * (printf, malloc, thread-local errno, floating point), valid boot info, and survives many
 * timer interrupts with its registers intact.
 */
#include <errno.h>
#include <limits.h>
#include <runtime.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testlib.h"

static uint64_t read_cntvct(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

static uintptr_t stack_pointer(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* A loop long enough to span many kernel ticks; returns a value that depends on every
 * iteration, so a register clobbered by an interrupt shows up as a wrong result. */
static uint64_t spin(uint64_t n)
{
    uint64_t a = 1, b = 2, c = 3;
    for (uint64_t i = 0; i < n; i++) {
        a = a * 6364136223846793005ull + 1442695040888963407ull;
        b ^= a >> 7;
        c += b;
        __asm__ volatile("" : "+r"(a), "+r"(b), "+r"(c)); /* keep every iteration */
    }
    return a ^ b ^ c;
}

int main(void)
{
    test_begin("boot");
    printf("hello from the root task at EL0\n");

    seL4_BootInfo *bi = rt_bootinfo();
    CHECK(bi != NULL, "boot info pointer passed in x0");
    CHECK(((uintptr_t)bi & 0xfff) == 0, "boot info is page aligned");
    CHECK_EQ(bi->numNodes, 1, "boot info: one node");
    CHECK(bi->ipcBuffer != NULL && ((uintptr_t)bi->ipcBuffer & 0xfff) == 0,
          "boot info names a page-aligned IPC buffer");
    bi->ipcBuffer->msg[0] = 0x1234;
    CHECK_EQ(bi->ipcBuffer->msg[0], 0x1234, "IPC buffer is writable");

    uintptr_t sp = stack_pointer();
    CHECK(sp < 0x0001000000000000ull && (uintptr_t)&main < 0x0001000000000000ull,
          "code and stack live in the lower (user) half");

    char *p = malloc(100000);
    CHECK(p != NULL, "malloc of 100000 bytes");
    if (p) {
        memset(p, 0xab, 100000);
        CHECK(p[99999] == (char)0xab, "malloc'd memory is usable");
        free(p);
    }

    errno = 0;
    CHECK(strtol("99999999999999999999999", NULL, 10) == LONG_MAX && errno == ERANGE,
          "thread-local errno works");

    volatile double d = 1.5;
    CHECK(d * 3.0 == 4.5, "floating point at EL0");

    char buf[64];
    snprintf(buf, sizeof(buf), "%d-%s-%x", 42, "x", 255);
    CHECK(strcmp(buf, "42-x-ff") == 0, "snprintf formats");

    uint64_t freq;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    uint64_t t0 = read_cntvct();
    uint64_t r1 = spin(20000000);
    uint64_t t1 = read_cntvct();
    uint64_t r2 = spin(20000000);
    uint64_t ticks = (t1 - t0) / (freq / 500); /* 2 ms kernel ticks */
    printf("spin took %llu counter ticks (~%llu kernel ticks)\n", (unsigned long long)(t1 - t0),
           (unsigned long long)ticks);
    CHECK(ticks >= 3, "timer interrupts arrived during a long computation");
    CHECK(r1 == r2, "registers survive interrupts (same result twice)");

    seL4_Yield();
    CHECK(1, "seL4_Yield returns to the only thread");

    test_finish();
}

/* QEMU test reporting (see testlib.h). */
#include "testlib.h"
#include <runtime.h>
#include <stdio.h>
#include <stdlib.h>

static const char *suite_name = "test";
static unsigned passed, failed;

void test_begin(const char *suite)
{
    suite_name = suite;
    printf("== %s\n", suite);
}

bool test_check(bool ok, const char *what, const char *file, int line)
{
    if (ok) {
        passed++;
        printf("ok - %s\n", what);
    } else {
        failed++;
        printf("FAIL - %s (%s:%d)\n", what, file, line);
    }
    return ok;
}

bool test_check_eq(long long got, long long want, const char *what, const char *file, int line)
{
    bool ok = got == want;
    test_check(ok, what, file, line);
    if (!ok)
        printf("       got %lld, want %lld\n", got, want);
    return ok;
}

void test_finish(void)
{
    printf("%s: %u passed, %u failed\n", suite_name, passed, failed);
    exit(failed == 0 && passed > 0 ? 0 : 1);
}

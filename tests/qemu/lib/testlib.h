/*
 * Checks for QEMU integration tests. A test root task prints one line per check and ends
 * with test_finish(), which prints "<name>: N passed, M failed" and ends the run with
 * status 0 only if nothing failed. tools/qemu-run checks that line and the status.
 */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <stdbool.h>

void test_begin(const char *suite);
/* Records one check; prints "ok - what" or "FAIL - what (file:line)". */
bool test_check(bool ok, const char *what, const char *file, int line);
__attribute__((noreturn)) void test_finish(void);

#define CHECK(cond, what) test_check((cond), (what), __FILE__, __LINE__)
#define CHECK_EQ(a, b, what)                                                                       \
    test_check_eq((long long)(a), (long long)(b), (what), __FILE__, __LINE__)

bool test_check_eq(long long got, long long want, const char *what, const char *file, int line);

#endif

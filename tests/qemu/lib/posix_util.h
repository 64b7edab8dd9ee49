/*
 * Helpers for the posix/ QEMU tests (test_posix_*.c): set-up with the backend chosen at
 * build time (POSIX_TEST_BACKEND, default NS_BACKEND_BEST: the kernel set on the patched
 * kernel, the fallback on the base kernel), threads that run while the test blocks, and
 * time in milliseconds.
 */
#ifndef POSIX_UTIL_H
#define POSIX_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <rt/rt.h>
#include <posix/posix.h>

#ifndef POSIX_TEST_BACKEND
#define POSIX_TEST_BACKEND NS_BACKEND_BEST
#endif

#define PT_MAIN_PRIO   100 /* the test's thread */
#define PT_HELPER_PRIO 50  /* helper threads: run only while the test's thread blocks */

/* test_begin, rt_init, the priority, posix_init(backend, capacity); ends the run on
 * failure. pt_setup uses the backend the test's own build chose. */
void pt_setup_backend(const char *suite, size_t capacity, ns_backend_t backend);
#define pt_setup(suite, capacity) pt_setup_backend((suite), (capacity), POSIX_TEST_BACKEND)
/* Starts fn(arg) in a new thread at PT_HELPER_PRIO. */
bool pt_thread(struct rt_thread *t, rt_thread_fn fn, void *arg);
/* Waits for it and frees it. */
void pt_join(struct rt_thread *t);

uint64_t pt_now_ms(void);
uint64_t pt_now_us(void);

#endif

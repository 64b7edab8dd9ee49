/*
 * picolibc's retargetable locks (sys/lock.h), so that malloc and friends may be used from
 * several threads. A lock is a recursive spin lock that yields while it waits: the owner is
 * identified by its thread pointer (TPIDR_EL0, distinct per thread since each has its own
 * TLS block). seL4_Yield only lets threads of the waiter's priority run, so a lock must not
 * be contended between threads of different priorities (a lower-priority owner would never
 * get to release it); the runtime's threads share one priority by default.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/lock.h>
#include <sel4/sel4.h>

struct __lock {
    uintptr_t owner; /* 0 when free */
    unsigned depth;
};

struct __lock __lock___libc_recursive_mutex;

static uintptr_t self_id(void)
{
    uintptr_t tp;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(tp));
    return tp | 1; /* never 0, even before TLS is set up */
}

static int try_take(struct __lock *lock, uintptr_t id)
{
    uintptr_t expected = 0;
    return __atomic_compare_exchange_n(&lock->owner, &expected, id, false, __ATOMIC_ACQUIRE,
                                       __ATOMIC_RELAXED);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock)
{
    uintptr_t id = self_id();
    if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == id) {
        lock->depth++;
        return;
    }
    while (!try_take(lock, id))
        seL4_Yield();
    lock->depth = 1;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
    uintptr_t id = self_id();
    if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) == id) {
        lock->depth++;
        return 1;
    }
    if (!try_take(lock, id))
        return 0;
    lock->depth = 1;
    return 1;
}

void __retarget_lock_release_recursive(_LOCK_T lock)
{
    if (__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) != self_id() || lock->depth == 0)
        return;
    if (--lock->depth == 0)
        __atomic_store_n(&lock->owner, 0, __ATOMIC_RELEASE);
}

/* The plain (non-recursive) forms behave the same. */
void __retarget_lock_acquire(_LOCK_T lock)
{
    __retarget_lock_acquire_recursive(lock);
}

int __retarget_lock_try_acquire(_LOCK_T lock)
{
    return __retarget_lock_try_acquire_recursive(lock);
}

void __retarget_lock_release(_LOCK_T lock)
{
    __retarget_lock_release_recursive(lock);
}

void __retarget_lock_init_recursive(_LOCK_T *lock)
{
    *lock = calloc(1, sizeof(struct __lock));
}

void __retarget_lock_init(_LOCK_T *lock)
{
    __retarget_lock_init_recursive(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock)
{
    free(lock);
}

void __retarget_lock_close(_LOCK_T lock)
{
    free(lock);
}

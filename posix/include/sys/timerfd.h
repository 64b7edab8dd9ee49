/*
 * Timers as descriptors, with Linux's timerfd(2) interface (not POSIX; the names are the
 * familiar ones). Every timer descriptor of a process is served by one user-level timer
 * service on the EL1 virtual timer (PPI 27, docs/posix.md): read() returns an 8-byte count
 * of expirations since the last read (and resets it); POLLIN while that count is non-zero.
 * Only a process that holds the IRQ control capability (the root task) has the service.
 */
#ifndef POSIX_SYS_TIMERFD_H
#define POSIX_SYS_TIMERFD_H

#include <fcntl.h>
#include <time.h>

/* picolibc defines CLOCK_MONOTONIC only on some systems; here clock_gettime and timerfd
 * provide it (with picolibc's value). */
#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC ((clockid_t)4)
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define TFD_NONBLOCK      O_NONBLOCK
#define TFD_CLOEXEC       0 /* accepted, meaningless without exec */
#define TFD_TIMER_ABSTIME 0x1

/* clockid must be CLOCK_MONOTONIC. -1 with errno EINVAL (clock or flags), ENOTSUP (no
 * timer service in this process), EMFILE or ENOMEM. */
int timerfd_create(int clockid, int flags);
/* Arms (it_value non-zero: first expiry, relative unless TFD_TIMER_ABSTIME; it_interval
 * non-zero: period) or disarms (it_value zero). *old_value (if not NULL) gets the previous
 * setting. EINVAL for a bad timespec or flags, EBADF for a descriptor that is not a timer. */
int timerfd_settime(int fd, int flags, const struct itimerspec *new_value,
                    struct itimerspec *old_value);
int timerfd_gettime(int fd, struct itimerspec *curr_value);

#ifdef __cplusplus
}
#endif

#endif

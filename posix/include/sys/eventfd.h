/*
 * Event counters as descriptors, with Linux's eventfd(2) interface (not POSIX; the names are
 * the familiar ones). A descriptor holds a 64-bit counter and a notification: write() adds
 * an 8-byte value and signals when the counter leaves zero; read() returns the counter and
 * resets it (or, with EFD_SEMAPHORE, returns 1 and decrements it). POLLIN while the counter
 * is non-zero, POLLOUT while another write of 1 fits.
 *
 * The counter lives in the creating process: other threads of that process may write() to
 * it concurrently with one thread that reads or polls it (the counter is atomic).
 */
#ifndef POSIX_SYS_EVENTFD_H
#define POSIX_SYS_EVENTFD_H

#include <fcntl.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t eventfd_t;

#define EFD_SEMAPHORE 0x1
#define EFD_NONBLOCK  O_NONBLOCK
#define EFD_CLOEXEC   0 /* accepted, meaningless without exec */

/* A new descriptor with the counter at initval; -1 with errno EINVAL (unknown flags),
 * EMFILE (table full) or ENOMEM. */
int eventfd(unsigned int initval, int flags);
int eventfd_read(int fd, eventfd_t *value);
int eventfd_write(int fd, eventfd_t value);

#ifdef __cplusplus
}
#endif

#endif

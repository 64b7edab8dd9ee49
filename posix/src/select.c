/*
 * select() on the poll core: the three sets become a pollfd array (readfds: POLLIN,
 * writefds: POLLOUT, exceptfds: POLLPRI, which nothing here ever reports), poll's results
 * become the sets again.
 *
 * A descriptor is readable when read() would not block: POLLIN, or POLLHUP/POLLERR (end of
 * file, or an error to report). It is writable when write() would not block: POLLOUT, or
 * POLLHUP/POLLERR (the write fails at once with EPIPE). Errors as POSIX says: EBADF if a
 * set names a descriptor that is not open (no set is changed then), EINVAL for nfds
 * outside 0..POSIX_SELECT_MAX or a bad timeout. Only the bits below nfds are read or
 * written, so callers may use any FD_SETSIZE up to POSIX_SELECT_MAX (picolibc's default
 * is 64; define FD_SETSIZE before including <sys/select.h> for more). The timeout is not
 * modified.
 */
#include <errno.h>
#include <sys/select.h>
#include "internal.h"

#define NFDBITS_ (8 * (int)sizeof(__fd_mask))

static struct pollfd pfds[POSIX_SELECT_MAX];

static inline bool in(const fd_set *set, int fd)
{
    return set && (set->__fds_bits[fd / NFDBITS_] >> (fd % NFDBITS_)) & 1;
}

static inline void add(fd_set *set, int fd)
{
    set->__fds_bits[fd / NFDBITS_] |= (__fd_mask)1 << (fd % NFDBITS_);
}

/* Clears bits 0..nfds-1 of set. */
static void clear(fd_set *set, int nfds)
{
    if (!set)
        return;
    for (int w = 0; w < nfds / NFDBITS_; w++)
        set->__fds_bits[w] = 0;
    if (nfds % NFDBITS_)
        set->__fds_bits[nfds / NFDBITS_] &= ~(((__fd_mask)1 << (nfds % NFDBITS_)) - 1);
}

int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timeval *timeout)
{
    if (nfds < 0 || nfds > POSIX_SELECT_MAX ||
        (timeout && (timeout->tv_sec < 0 || timeout->tv_usec < 0 || timeout->tv_usec >= 1000000))) {
        errno = EINVAL;
        return -1;
    }
    size_t n = 0;
    for (int fd = 0; fd < nfds; fd++) {
        short ev = (in(readfds, fd) ? POLLIN : 0) | (in(writefds, fd) ? POLLOUT : 0) |
                   (in(exceptfds, fd) ? POLLPRI : 0);
        if (!ev)
            continue;
        if (!posix_fd_get(fd)) {
            errno = EBADF;
            return -1;
        }
        if (ev == POLLPRI)
            continue; /* nothing can be reported: do not let a hang-up end the wait */
        pfds[n].fd = fd;
        pfds[n++].events = ev;
    }
    int64_t ns = -1;
    if (timeout)
        ns = (int64_t)timeout->tv_sec * 1000000000 + (int64_t)timeout->tv_usec * 1000;
    if (posix_poll(pfds, n, ns) < 0)
        return -1;
    clear(readfds, nfds);
    clear(writefds, nfds);
    clear(exceptfds, nfds);
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        short ev = pfds[i].events, rev = pfds[i].revents;
        if ((ev & POLLIN) && (rev & (POLLIN | POLLHUP | POLLERR))) {
            add(readfds, pfds[i].fd);
            count++;
        }
        if ((ev & POLLOUT) && (rev & (POLLOUT | POLLHUP | POLLERR))) {
            add(writefds, pfds[i].fd);
            count++;
        }
    }
    return count;
}

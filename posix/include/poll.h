/*
 * poll() for programs on this kernel (posix/, docs/posix.md). picolibc has no <poll.h>;
 * this one follows POSIX.1-2017: struct pollfd, nfds_t, the POLL* flags and
 *
 *     int poll(struct pollfd fds[], nfds_t nfds, int timeout);
 *
 * Level-triggered: a call reports every descriptor whose condition holds when it looks,
 * whether or not it changed since the last call. timeout is in milliseconds: 0 returns at
 * once, a negative value waits without limit. Errors (errno): EINVAL for nfds above
 * POSIX_OPEN_MAX, EAGAIN when the descriptors could not be registered for waiting (the
 * notification set is full or out of memory). Never EINTR: there are no signals.
 */
#ifndef POSIX_POLL_H
#define POSIX_POLL_H

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned long nfds_t;

struct pollfd {
    int fd;        /* descriptor; a negative one is ignored (revents 0) */
    short events;  /* requested conditions */
    short revents; /* returned conditions */
};

#define POLLIN     0x0001 /* data to read (or end of file) */
#define POLLPRI    0x0002 /* priority data: never reported here */
#define POLLOUT    0x0004 /* writing would not block */
#define POLLERR    0x0008 /* error (always reported) */
#define POLLHUP    0x0010 /* the peer hung up (always reported) */
#define POLLNVAL   0x0020 /* fd is not open (always reported) */
#define POLLRDNORM 0x0040 /* same as POLLIN here */
#define POLLRDBAND 0x0080 /* never reported */
#define POLLWRNORM 0x0100 /* same as POLLOUT here */
#define POLLWRBAND 0x0200 /* never reported */

int poll(struct pollfd fds[], nfds_t nfds, int timeout);

#ifdef __cplusplus
}
#endif

#endif

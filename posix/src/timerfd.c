/*
 * Timer descriptors (Linux's timerfd interface) on the timer service.
 *
 * A descriptor is readable while it has expirations not yet read. That is decided from the
 * clock, not from the interrupt: an armed timer whose deadline has passed is readable even
 * before the service has handled the interrupt, so readiness is level-triggered on the
 * real state. The service's entry only wakes waiters: when it fires, the expirations are
 * counted (a periodic timer counts every period that has passed and re-queues itself for
 * the next) and the descriptor is reported woken.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <posix/timer.h>
#include "internal.h"

#define NS_PER_S 1000000000u

struct tfd {
    struct posix_object obj;
    struct posix_timer entry;
    uint64_t deadline; /* next expiry (ticks), while armed */
    uint64_t interval; /* ticks; 0: one-shot */
    uint64_t count;    /* expirations not read yet */
    bool armed;
};

static struct tfd *tfd_of(struct posix_timer *t)
{
    return (struct tfd *)((char *)t - offsetof(struct tfd, entry));
}

/* Counts the expirations up to `now` and moves the deadline (and the service's entry) on. */
static void collect(struct tfd *t, uint64_t now)
{
    if (!t->armed || now < t->deadline)
        return;
    if (!t->interval) {
        t->count++;
        t->armed = false;
        posix_timer_stop(&t->entry);
        return;
    }
    uint64_t n = 1 + (now - t->deadline) / t->interval;
    t->count += n;
    t->deadline += n * t->interval;
    posix_timer_stop(&t->entry);
    posix_timer_start(&t->entry, t->deadline);
}

static void fire(struct posix_timer *entry, uint64_t now)
{
    struct tfd *t = tfd_of(entry);
    collect(t, now);
    posix_woken(&t->obj);
}

static ssize_t tfd_read(struct posix_object *o, void *buf, size_t n)
{
    struct tfd *t = (struct tfd *)o;
    if (n < sizeof(uint64_t))
        return -EINVAL;
    collect(t, posix_clock_ticks());
    if (!t->count)
        return -EAGAIN;
    memcpy(buf, &t->count, sizeof(t->count));
    t->count = 0;
    return sizeof(uint64_t);
}

static ssize_t tfd_write(struct posix_object *o, const void *buf, size_t n)
{
    (void)o, (void)buf, (void)n;
    return -EINVAL;
}

static short tfd_ready(struct posix_object *o, short events, bool arm)
{
    (void)events, (void)arm; /* the service's entry is queued whenever the timer is armed */
    struct tfd *t = (struct tfd *)o;
    bool due = t->count || (t->armed && posix_clock_ticks() >= t->deadline);
    return due ? POLLIN | POLLRDNORM : 0;
}

static void tfd_close(struct posix_object *o)
{
    struct tfd *t = (struct tfd *)o;
    posix_timer_stop(&t->entry);
    free(t);
}

static const struct posix_ops tfd_ops = {
    .name = "timerfd",
    .read = tfd_read,
    .write = tfd_write,
    .ready = tfd_ready,
    .close = tfd_close,
};

int timerfd_create(int clockid, int flags)
{
    if (clockid != CLOCK_MONOTONIC || (flags & ~(TFD_NONBLOCK | O_CLOEXEC))) {
        errno = EINVAL;
        return -1;
    }
    if (!posix_state() || !posix_timer_available()) {
        errno = ENOTSUP;
        return -1;
    }
    struct tfd *t = calloc(1, sizeof(*t));
    if (!t) {
        errno = ENOMEM;
        return -1;
    }
    t->obj.ops = &tfd_ops;
    t->obj.flags = O_RDONLY | (flags & O_NONBLOCK);
    t->obj.uses_timer = true;
    t->entry.fire = fire;
    int fd = posix_fd_install(&t->obj);
    if (fd < 0)
        free(t);
    return fd;
}

static struct tfd *lookup(int fd)
{
    struct posix_object *o = posix_fd_get(fd);
    if (!o || o->ops != &tfd_ops) {
        errno = o ? EINVAL : EBADF;
        return NULL;
    }
    return (struct tfd *)o;
}

static bool valid(const struct timespec *ts)
{
    return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (long)NS_PER_S;
}

static uint64_t ticks_of(const struct timespec *ts)
{
    return posix_ticks_from_ns((uint64_t)ts->tv_sec * NS_PER_S + (uint64_t)ts->tv_nsec);
}

static void timespec_of(uint64_t ticks, struct timespec *ts)
{
    uint64_t ns = posix_ns_from_ticks(ticks);
    ts->tv_sec = (time_t)(ns / NS_PER_S);
    ts->tv_nsec = (long)(ns % NS_PER_S);
}

int timerfd_gettime(int fd, struct itimerspec *curr)
{
    struct tfd *t = lookup(fd);
    if (!t)
        return -1;
    uint64_t now = posix_clock_ticks();
    collect(t, now);
    timespec_of(t->armed ? t->deadline - now : 0, &curr->it_value);
    timespec_of(t->interval, &curr->it_interval);
    return 0;
}

int timerfd_settime(int fd, int flags, const struct itimerspec *new_value,
                    struct itimerspec *old_value)
{
    struct tfd *t = lookup(fd);
    if (!t)
        return -1;
    if ((flags & ~TFD_TIMER_ABSTIME) || !valid(&new_value->it_value) ||
        !valid(&new_value->it_interval)) {
        errno = EINVAL;
        return -1;
    }
    if (old_value)
        timerfd_gettime(fd, old_value);
    posix_timer_stop(&t->entry);
    t->armed = false;
    t->count = 0;
    t->interval = ticks_of(&new_value->it_interval);
    if (!t->interval && (new_value->it_interval.tv_sec || new_value->it_interval.tv_nsec))
        t->interval = 1; /* shorter than a tick: every tick */
    uint64_t value = ticks_of(&new_value->it_value);
    if (new_value->it_value.tv_sec == 0 && new_value->it_value.tv_nsec == 0)
        return 0;
    t->deadline = flags & TFD_TIMER_ABSTIME ? value : posix_clock_ticks() + value;
    if (posix_timer_start(&t->entry, t->deadline) < 0)
        return -1;
    t->armed = true;
    return 0;
}

/*
 * Event counters (Linux's eventfd interface): a 64-bit counter and a notification.
 *
 * Any thread of the process may write; the counter is atomic, and every write that takes
 * it from zero signals the notification, so a reader that found it zero and then waits is
 * always woken (there is one variable, so no fence protocol is needed). A read that takes
 * the counter down from a huge value signals too, for a writer waiting for room.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <rt/rt.h>
#include "internal.h"

#define EFD_MAX (UINT64_MAX - 1) /* the largest value the counter may hold */

struct efd {
    struct posix_object obj;
    _Atomic uint64_t count;
    bool semaphore;
    struct rt_object ntfn;
};

static ssize_t efd_read(struct posix_object *o, void *buf, size_t n)
{
    struct efd *e = (struct efd *)o;
    if (n < sizeof(uint64_t))
        return -EINVAL;
    uint64_t v = __atomic_load_n(&e->count, __ATOMIC_ACQUIRE), next;
    do {
        if (v == 0)
            return -EAGAIN;
        next = e->semaphore ? v - 1 : 0;
    } while (!__atomic_compare_exchange_n(&e->count, &v, next, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_ACQUIRE));
    uint64_t out = e->semaphore ? 1 : v;
    memcpy(buf, &out, sizeof(out));
    if (v > EFD_MAX / 2)
        seL4_Signal(o->ntfn);
    return sizeof(out);
}

static ssize_t efd_write(struct posix_object *o, const void *buf, size_t n)
{
    struct efd *e = (struct efd *)o;
    uint64_t add;
    if (n < sizeof(add))
        return -EINVAL;
    memcpy(&add, buf, sizeof(add));
    if (add > EFD_MAX)
        return -EINVAL;
    uint64_t v = __atomic_load_n(&e->count, __ATOMIC_ACQUIRE);
    do {
        if (EFD_MAX - v < add)
            return -EAGAIN;
    } while (!__atomic_compare_exchange_n(&e->count, &v, v + add, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_ACQUIRE));
    if (v == 0 && add != 0)
        seL4_Signal(o->ntfn);
    return sizeof(add);
}

static short efd_ready(struct posix_object *o, short events, bool arm)
{
    (void)events, (void)arm;
    uint64_t v = __atomic_load_n(&((struct efd *)o)->count, __ATOMIC_ACQUIRE);
    return (v ? POLLIN | POLLRDNORM : 0) | (v < EFD_MAX ? POLLOUT | POLLWRNORM : 0);
}

static void efd_close(struct posix_object *o)
{
    struct efd *e = (struct efd *)o;
    rt_object_free(&e->ntfn);
    free(e);
}

static const struct posix_ops efd_ops = {
    .name = "eventfd",
    .read = efd_read,
    .write = efd_write,
    .ready = efd_ready,
    .close = efd_close,
};

int eventfd(unsigned int initval, int flags)
{
    if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | O_CLOEXEC)) {
        errno = EINVAL;
        return -1;
    }
    if (!rt_bootinfo() || !posix_state()) {
        errno = ENOTSUP;
        return -1;
    }
    struct efd *e = calloc(1, sizeof(*e));
    if (!e || rt_object_alloc(seL4_NotificationObject, 0, &e->ntfn) != seL4_NoError) {
        free(e);
        errno = ENOMEM;
        return -1;
    }
    e->count = initval;
    e->semaphore = flags & EFD_SEMAPHORE;
    e->obj.ops = &efd_ops;
    e->obj.flags = O_RDWR | (flags & O_NONBLOCK);
    e->obj.ntfn = e->ntfn.cap;
    int fd = posix_fd_install(&e->obj);
    if (fd < 0)
        efd_close(&e->obj);
    return fd;
}

int eventfd_read(int fd, eventfd_t *value)
{
    return read(fd, value, sizeof(*value)) == sizeof(*value) ? 0 : -1;
}

int eventfd_write(int fd, eventfd_t value)
{
    return write(fd, &value, sizeof(value)) == sizeof(value) ? 0 : -1;
}

/*
 * The descriptor table of a process, and read(), write(), close(), fcntl() over it.
 *
 * The table is two-level so that it grows without moving: 256 chunks of 256 entries
 * (POSIX_OPEN_MAX), a chunk allocated when first needed. A lookup is two loads, and an
 * entry never moves, so another thread that writes to an eventfd may look its descriptor
 * up while the owning thread opens others. New descriptors take the lowest free number, as
 * POSIX requires (a hint remembers where the free ones start).
 *
 * Descriptors 0, 1 and 2 start open on the console: 0 reads end-of-file, 1 and 2 write
 * through seL4_DebugPutChar (picolibc's stdout does the same, through its own FILE).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <posix/evloop.h>
#include "internal.h"

#define CHUNK      POSIX_FD_CHUNK
#define CHUNK_BITS POSIX_FD_CHUNK_BITS

struct posix_fd_table posix_fd_table;
#define table posix_fd_table

/* ---- The console descriptors ---- */

static ssize_t console_read(struct posix_object *o, void *buf, size_t n)
{
    (void)o, (void)buf, (void)n;
    return 0;
}

static ssize_t console_write(struct posix_object *o, const void *buf, size_t n)
{
    (void)o;
    for (size_t i = 0; i < n; i++)
        seL4_DebugPutChar(((const char *)buf)[i]);
    return (ssize_t)n;
}

static short console_ready(struct posix_object *o, short events, bool arm)
{
    (void)events, (void)arm;
    return o->fd == 0 ? POLLIN | POLLRDNORM : POLLOUT | POLLWRNORM;
}

static void console_close(struct posix_object *o)
{
    (void)o; /* static objects */
}

static const struct posix_ops console_ops = {
    .name = "console",
    .read = console_read,
    .write = console_write,
    .ready = console_ready,
    .close = console_close,
};

static struct posix_object console[3] = {
    {.ops = &console_ops, .flags = O_RDONLY},
    {.ops = &console_ops, .flags = O_WRONLY},
    {.ops = &console_ops, .flags = O_WRONLY},
};

/* ---- The table ---- */

static struct posix_object **entry(int fd)
{
    struct posix_object **c = table.chunk[fd >> CHUNK_BITS];
    return c ? &c[fd & (CHUNK - 1)] : NULL;
}

void posix_fd_open_console(void)
{
    table.console_done = true;
    for (int i = 0; i < 3; i++)
        posix_fd_install(&console[i]);
}

int posix_fd_install(struct posix_object *o)
{
    if (!table.console_done)
        posix_fd_open_console();
    for (int fd = table.hint; fd < POSIX_OPEN_MAX; fd++) {
        struct posix_object **e = entry(fd);
        if (!e) {
            table.chunk[fd >> CHUNK_BITS] = calloc(CHUNK, sizeof(*e));
            if (!(e = entry(fd))) {
                errno = ENOMEM;
                return -1;
            }
        }
        if (*e)
            continue;
        o->fd = fd;
        o->serial = ++table.serial;
        o->registered = false;
        o->watcher = NULL;
        o->poll_gen = o->woken_gen = 0;
        *e = o;
        table.hint = fd + 1;
        if (fd >= table.limit)
            table.limit = fd + 1;
        return fd;
    }
    errno = EMFILE;
    return -1;
}

struct posix_object *posix_fd_get(int fd)
{
    if (!table.console_done)
        posix_fd_open_console();
    if (fd < 0 || fd >= table.limit)
        return NULL;
    struct posix_object **e = entry(fd);
    return e ? *e : NULL;
}

void *posix_fd_cookie(const struct posix_object *o)
{
    return (void *)(((uintptr_t)o->serial << 32) | (uint32_t)o->fd);
}

struct posix_object *posix_fd_from_cookie(void *cookie)
{
    uintptr_t c = (uintptr_t)cookie;
    struct posix_object *o = posix_fd_get((int)(uint32_t)c);
    return o && o->serial == (uint32_t)(c >> 32) ? o : NULL;
}

int posix_fd_limit(void)
{
    return table.limit;
}

/* Takes o out of the table and the set without closing it (close and channel_give). */
void posix_fd_detach(struct posix_object *o)
{
    *entry(o->fd) = NULL;
    if (o->fd < table.hint)
        table.hint = o->fd;
    if (o->watcher)
        evl_io_closed(o->watcher);
    posix_unregister(o);
}

void posix_fd_close_all(void)
{
    for (int fd = 0; fd < table.limit; fd++)
        if (posix_fd_get(fd))
            close(fd);
    table.console_done = false;
    table.hint = 0;
}

/* ---- The POSIX calls ---- */

ssize_t read(int fd, void *buf, size_t n)
{
    struct posix_object *o = posix_fd_get(fd);
    if (!o || (o->flags & O_ACCMODE) == O_WRONLY) {
        errno = EBADF;
        return -1;
    }
    ssize_t r;
    while ((r = o->ops->read(o, buf, n)) == -EAGAIN && !(o->flags & O_NONBLOCK)) {
        if (posix_block(o) < 0)
            return -1;
    }
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

/* A blocking write moves all n bytes, waiting for room as often as needed (a write of at
 * most PIPE_BUF bytes to a channel goes in whole); a non-blocking one moves what fits. */
ssize_t write(int fd, const void *buf, size_t n)
{
    struct posix_object *o = posix_fd_get(fd);
    if (!o || (o->flags & O_ACCMODE) == O_RDONLY) {
        errno = EBADF;
        return -1;
    }
    size_t done = 0;
    for (;;) {
        ssize_t r = o->ops->write(o, (const char *)buf + done, n - done);
        if (r >= 0) {
            done += (size_t)r;
            if (done == n || (o->flags & O_NONBLOCK))
                return (ssize_t)done;
        } else if (r == -EAGAIN && !(o->flags & O_NONBLOCK)) {
            if (posix_block(o) < 0)
                return done ? (ssize_t)done : -1;
        } else {
            if (done)
                return (ssize_t)done;
            errno = (int)-r;
            return -1;
        }
    }
}

int close(int fd)
{
    struct posix_object *o = posix_fd_get(fd);
    if (!o) {
        errno = EBADF;
        return -1;
    }
    posix_fd_detach(o);
    o->ops->close(o);
    return 0;
}

/* F_GETFL / F_SETFL (only O_NONBLOCK changes), F_GETFD / F_SETFD (no flags: there is no
 * exec). Other commands: EINVAL. */
int fcntl(int fd, int cmd, ...)
{
    struct posix_object *o = posix_fd_get(fd);
    if (!o) {
        errno = EBADF;
        return -1;
    }
    va_list ap;
    va_start(ap, cmd);
    int arg = cmd == F_SETFL || cmd == F_SETFD ? va_arg(ap, int) : 0;
    va_end(ap);
    switch (cmd) {
    case F_GETFL:
        return o->flags;
    case F_SETFL:
        o->flags = (o->flags & ~O_NONBLOCK) | (arg & O_NONBLOCK);
        return 0;
    case F_GETFD:
    case F_SETFD:
        return 0;
    default:
        errno = EINVAL;
        return -1;
    }
}

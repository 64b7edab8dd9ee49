/*
 * Channels and pipes: byte rings in a shared frame, a notification per end.
 *
 * Wake-ups are sent only when someone may be waiting, decided with the Dekker pattern
 * (each side stores, issues a full fence, then loads what the other side stored):
 *
 *   data:  producer: store tail; fence; load head  -- signal the consumer if head was the
 *          old tail (the consumer had taken everything: it may be about to wait).
 *          consumer: store head (in read); fence; load tail (in read or ready: the check
 *          made before waiting).
 *          Either the consumer's check sees the new tail, or the producer sees the head
 *          the consumer stored before its check, equal to the old tail, and signals.
 *   room:  producer that lacks room: store want; fence; load head (re-check).
 *          consumer: store head; fence; load want -- if set and the room is there now,
 *          clear want and signal the producer.
 *   close: set the end's bit in closed, then always signal the other end.
 *
 * A notification keeps a signal until it is waited for, so a signal sent before the other
 * side blocks is not lost; a signal that finds nothing to do costs a spurious wake-up, after
 * which the waiter checks the ring again (level-triggered). POLLOUT means that
 * PIPE_BUF bytes fit, so a write of up to PIPE_BUF bytes, which goes in whole, succeeds.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <rt/rt.h>
#include "channel_impl.h"

#define RING POSIX_CHANNEL_RING

_Static_assert(PIPE_BUF <= RING, "a PIPE_BUF write fits an empty ring");

static struct chan *zombies;

static inline struct chan_end *end_of(struct posix_object *o)
{
    return (struct chan_end *)o;
}

static inline bool peer_closed(const struct chan_end *e)
{
    return atomic_load_explicit(&e->ch->sh->closed, memory_order_acquire) & (1u << (1 - e->end));
}

static inline void signal_peer(const struct chan_end *e)
{
    seL4_Signal(e->ch->ntfn[1 - e->end]);
}

/* Copies n bytes between a linear buffer and the ring's data at byte count `pos`. */
static void ring_copy(uint8_t *data, uint64_t pos, void *buf, size_t n, bool into_ring)
{
    size_t off = (size_t)(pos % RING), first = n < RING - off ? n : RING - off;
    uint8_t *b = buf;
    if (into_ring) {
        memcpy(data + off, b, first);
        memcpy(data, b + first, n - first);
    } else {
        memcpy(b, data + off, first);
        memcpy(b + first, data, n - first);
    }
}

static ssize_t chan_read(struct posix_object *o, void *buf, size_t n)
{
    struct chan_end *e = end_of(o);
    struct chan_ring *r = &e->ch->sh->ring[1 - e->end];
    uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    if (n == 0)
        return 0;
    if (tail == head) {
        /* Order our last head store before this re-check (the data protocol). */
        posix_fence();
        tail = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (tail == head) {
            if (!peer_closed(e))
                return -EAGAIN;
            /* The peer's last bytes were published before its closed bit. */
            tail = atomic_load_explicit(&r->tail, memory_order_acquire);
            if (tail == head)
                return 0;
        }
    }
    if (tail - head > RING)
        return -EIO;
    size_t k = tail - head < n ? (size_t)(tail - head) : n;
    ring_copy(e->ch->sh->data[1 - e->end], head, buf, k, false);
    atomic_store_explicit(&r->head, head + k, memory_order_release);
    posix_fence();
    uint64_t want = atomic_load_explicit(&r->want, memory_order_relaxed);
    if (want) {
        tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
        if (RING - (tail - head - k) >= want &&
            atomic_exchange_explicit(&r->want, 0, memory_order_relaxed))
            signal_peer(e);
    }
    return (ssize_t)k;
}

/* Free bytes of ring r as the producer sees them; UINT64_MAX if the indices are corrupt. */
static uint64_t ring_free(struct chan_ring *r, uint64_t tail)
{
    uint64_t used = tail - atomic_load_explicit(&r->head, memory_order_acquire);
    return used > RING ? UINT64_MAX : RING - used;
}

/* Room for `need` bytes now, or after announcing that we wait for it (see above). */
static uint64_t ring_room(struct chan_ring *r, uint64_t tail, uint64_t need)
{
    uint64_t room = ring_free(r, tail);
    if (room >= need)
        return room;
    atomic_store_explicit(&r->want, need, memory_order_relaxed);
    posix_fence();
    return ring_free(r, tail);
}

static ssize_t chan_write(struct posix_object *o, const void *buf, size_t n)
{
    struct chan_end *e = end_of(o);
    struct chan_ring *r = &e->ch->sh->ring[e->end];
    if (peer_closed(e))
        return -EPIPE;
    if (n == 0)
        return 0;
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    /* Up to PIPE_BUF bytes go in whole; a longer write moves what fits (and when nothing
     * fits, waits for PIPE_BUF bytes of room rather than for every byte). */
    uint64_t room = ring_room(r, tail, n <= PIPE_BUF ? n : PIPE_BUF);
    if (room == UINT64_MAX)
        return -EIO;
    if (room < (n <= PIPE_BUF ? n : 1))
        return -EAGAIN;
    size_t k = room < n ? (size_t)room : n;
    ring_copy(e->ch->sh->data[e->end], tail, (void *)buf, k, true);
    atomic_store_explicit(&r->tail, tail + k, memory_order_release);
    posix_fence();
    if (atomic_load_explicit(&r->head, memory_order_relaxed) == tail)
        signal_peer(e);
    return (ssize_t)k;
}

static short chan_ready(struct posix_object *o, short events, bool arm)
{
    struct chan_end *e = end_of(o);
    struct chan_shared *sh = e->ch->sh;
    short rev = 0;
    int mode = o->flags & O_ACCMODE;
    bool hup = peer_closed(e);
    if (mode != O_WRONLY) {
        struct chan_ring *in = &sh->ring[1 - e->end];
        uint64_t avail = atomic_load_explicit(&in->tail, memory_order_acquire) -
                         atomic_load_explicit(&in->head, memory_order_relaxed);
        if (avail > RING)
            rev |= POLLERR; /* the other process corrupted the indices: read fails (EIO) */
        else if (avail)
            rev |= POLLIN | POLLRDNORM;
    }
    if (hup)
        return rev | (mode == O_WRONLY ? POLLERR : POLLHUP);
    if (mode != O_RDONLY) {
        struct chan_ring *out = &sh->ring[e->end];
        uint64_t tail = atomic_load_explicit(&out->tail, memory_order_relaxed);
        uint64_t room = arm && (events & (POLLOUT | POLLWRNORM)) ? ring_room(out, tail, PIPE_BUF)
                                                                 : ring_free(out, tail);
        if (room == UINT64_MAX)
            rev |= POLLERR;
        else if (room >= PIPE_BUF)
            rev |= POLLOUT | POLLWRNORM;
    }
    return rev;
}

/* Frees an owned channel's frame and notifications (deleting the caps given away too). */
static void chan_free(struct chan *ch)
{
    for (int i = 0; i < 2; i++)
        if (ch->obj[i].cap)
            rt_object_free(&ch->obj[i]);
    if (ch->frame)
        rt_vspace_unmap(rt_vspace_self(), ch->frame);
    free(ch);
}

/* The last local end of ch is gone: free it if nobody else can use it, else keep it until
 * posix_reap sees the other process's end closed. A process that was given the end only
 * drops its record (it has no allocators; the owner frees the channel). */
static void chan_release(struct chan *ch)
{
    if (ch->local_ends > 0)
        return;
    if (!ch->owner) {
        free(ch); /* the frame stays mapped: the owner unmaps it by freeing it */
        return;
    }
    uint32_t closed = atomic_load_explicit(&ch->sh->closed, memory_order_acquire);
    if (!ch->given || (closed & (1u << ch->given_end))) {
        chan_free(ch);
        return;
    }
    ch->next_zombie = zombies;
    zombies = ch;
}

static void chan_close(struct posix_object *o)
{
    struct chan_end *e = end_of(o);
    struct chan *ch = e->ch;
    atomic_fetch_or_explicit(&ch->sh->closed, 1u << e->end, memory_order_seq_cst);
    signal_peer(e);
    ch->local_ends--;
    free(e);
    chan_release(ch);
}

void chan_forget_end(struct chan_end *e)
{
    struct chan *ch = e->ch;
    ch->local_ends--;
    free(e);
    chan_release(ch);
}

static const struct posix_ops chan_ops = {
    .name = "channel",
    .read = chan_read,
    .write = chan_write,
    .ready = chan_ready,
    .close = chan_close,
};

int chan_open_end(struct chan *ch, int end, int mode)
{
    struct chan_end *e = calloc(1, sizeof(*e));
    if (!e) {
        errno = ENOMEM;
        return -1;
    }
    e->ch = ch;
    e->end = end;
    e->obj.ops = &chan_ops;
    e->obj.flags = mode;
    e->obj.ntfn = ch->ntfn[end];
    int fd = posix_fd_install(&e->obj);
    if (fd < 0) {
        free(e);
        return -1;
    }
    ch->local_ends++;
    return fd;
}

struct chan_end *chan_end_of(int fd)
{
    struct posix_object *o = posix_fd_get(fd);
    return o && o->ops == &chan_ops ? end_of(o) : NULL;
}

/* A new channel owned by this process (the root task): a zeroed frame and two
 * notifications. NULL with errno. */
static struct chan *chan_create(void)
{
    if (!rt_bootinfo() || !posix_state()) {
        errno = ENOTSUP;
        return NULL;
    }
    struct chan *ch = calloc(1, sizeof(*ch));
    struct rt_map_request req = {
        .size = CHAN_FRAME,
        .page_bits = seL4_PageBits,
        .rights = seL4_ReadWrite,
        .attr = seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever,
    };
    if (!ch || rt_vspace_map_new(rt_vspace_self(), &req, &ch->frame) != seL4_NoError) {
        free(ch);
        errno = ENOMEM;
        return NULL;
    }
    if (rt_object_alloc(seL4_NotificationObject, 0, &ch->obj[0]) != seL4_NoError ||
        rt_object_alloc(seL4_NotificationObject, 0, &ch->obj[1]) != seL4_NoError) {
        chan_free(ch);
        errno = ENOMEM;
        return NULL;
    }
    ch->sh = (struct chan_shared *)ch->frame;
    atomic_store_explicit(&ch->sh->magic, CHAN_MAGIC, memory_order_relaxed);
    ch->ntfn[0] = ch->obj[0].cap;
    ch->ntfn[1] = ch->obj[1].cap;
    ch->owner = true;
    return ch;
}

/* Both ends of a new channel as descriptors, with the given access modes. */
static int chan_open_both(int fds[2], int mode0, int mode1, int first_end)
{
    struct chan *ch = chan_create();
    if (!ch)
        return -1;
    int a = chan_open_end(ch, first_end, first_end ? mode1 : mode0);
    int b = a < 0 ? -1 : chan_open_end(ch, 1 - first_end, first_end ? mode0 : mode1);
    if (b < 0) {
        int saved = errno;
        if (a >= 0)
            close(a); /* the last local end: frees the channel */
        else
            chan_free(ch);
        errno = saved;
        return -1;
    }
    fds[0] = a;
    fds[1] = b;
    return 0;
}

int posix_channel_pair(int fds[2])
{
    return chan_open_both(fds, O_RDWR, O_RDWR, 0);
}

/* fds[0] reads (end 1), fds[1] writes (end 0). */
int pipe(int fds[2])
{
    return chan_open_both(fds, O_WRONLY, O_RDONLY, 1);
}

int posix_reap(bool force)
{
    int freed = 0;
    for (struct chan **p = &zombies; *p;) {
        struct chan *ch = *p;
        uint32_t closed = atomic_load_explicit(&ch->sh->closed, memory_order_acquire);
        if (force || (closed & (1u << ch->given_end))) {
            *p = ch->next_zombie;
            chan_free(ch);
            freed++;
        } else {
            p = &ch->next_zombie;
        }
    }
    return freed;
}

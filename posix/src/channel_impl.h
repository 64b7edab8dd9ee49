/*
 * Channels (posix/include/posix/channel.h): the frame both ends map, and each process's
 * record of a channel. Shared by channel.c (the ring, the ends, pipe) and channel_give.c
 * (moving an end to a child process, adopting it there).
 */
#ifndef POSIX_CHANNEL_IMPL_H
#define POSIX_CHANNEL_IMPL_H

#include <stdatomic.h>
#include <stdint.h>
#include <rt/object.h>
#include <posix/channel.h>
#include "internal.h"

#define CHAN_MAGIC 0x6e616863u /* "chan" */
#define CHAN_FRAME 4096

/* One direction. tail is written by the producer, head by the consumer (both count bytes
 * since the channel was made, so tail - head is what the ring holds). want is set by a
 * producer that waits for room (the free bytes it needs) and cleared by the consumer that
 * makes the room, which then signals. */
struct chan_ring {
    _Atomic uint64_t tail;
    _Atomic uint64_t head;
    _Atomic uint64_t want;
    uint64_t pad[5];
};

/* The shared frame. Ring d carries bytes from end d to end 1 - d. Bit d of closed: end d
 * has closed. Everything here may be written by the other process: sizes read from it are
 * checked before use. */
struct chan_shared {
    _Atomic uint32_t magic;
    _Atomic uint32_t closed;
    uint64_t pad[7];
    struct chan_ring ring[2];
    uint8_t data[2][POSIX_CHANNEL_RING];
};

_Static_assert(sizeof(struct chan_shared) <= CHAN_FRAME, "a channel fits one frame");

/* What one process knows of a channel it has ends of. */
struct chan {
    struct chan_shared *sh;
    seL4_CPtr ntfn[2]; /* notification of end d (here: with the rights this process has) */
    int local_ends;    /* ends open in this process */
    /* Owner (the process that made the channel) only: */
    bool owner;
    struct rt_object obj[2]; /* the notifications */
    seL4_Word frame;         /* where the frame is mapped here */
    bool given;              /* one end lives in another process */
    int given_end;
    struct chan *next_zombie; /* local ends closed, the given end maybe not */
};

struct chan_end {
    struct posix_object obj;
    struct chan *ch;
    int end; /* 0 or 1 */
};

/* Installs a descriptor for end `end` of ch with access mode O_RDONLY, O_WRONLY or
 * O_RDWR. -1 with errno (nothing installed). */
int chan_open_end(struct chan *ch, int end, int mode);
/* The end object of fd, or NULL if fd is not a channel end. */
struct chan_end *chan_end_of(int fd);
/* Drops an end from ch's local count without hanging up (the end moved elsewhere). */
void chan_forget_end(struct chan_end *e);

#endif

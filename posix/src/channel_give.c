/*
 * Moving a channel end to a child process (root task), and adopting it there.
 *
 * The root task keeps owning the frame and both notifications. The child gets a mapping
 * of the frame, a read-only cap to its end's notification (to wait on) and a write-only
 * cap to the other end's (to signal), in two slots of its CNode taken from the empty region
 * its start info describes; two words tell it where they are:
 *
 *   words[0] = frame address in the child | end (bit 0) | access mode << 1 (bits 1-2)
 *   words[1] = CNode slot of its notification (the other end's is the next slot)
 *
 * When the root task frees the channel (both ends closed, or posix_reap(true)) the
 * revocation of the notifications and the frame deletes the child's caps and mapping too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <rt/rt.h>
#include "channel_impl.h"

#define WORD0_END   0x1u
#define WORD0_MODE  0x6u
#define WORD0_FLAGS 0xfffu

/* Copies cap src of the root task into slot `slot` of p's CNode with `rights`. */
static seL4_Error give_cap(struct rt_process *p, seL4_Word slot, seL4_CPtr src,
                           seL4_CapRights_t rights)
{
    return seL4_CNode_Copy(p->cnode.cap, slot, (seL4_Uint8)p->cnode_bits, rt_cspace_root(), src,
                           RT_CSPACE_DEPTH, rights);
}

static void take_back(struct rt_process *p, seL4_Word slot)
{
    seL4_CNode_Delete(p->cnode.cap, slot, (seL4_Uint8)p->cnode_bits);
}

int posix_channel_give(int fd, struct rt_process *p, seL4_Word words[POSIX_CHANNEL_WORDS])
{
    struct chan_end *e = chan_end_of(fd);
    if (!e) {
        errno = EBADF;
        return -1;
    }
    struct chan *ch = e->ch;
    struct rt_start_info *si = rt_process_info(p);
    if (!ch->owner || ch->given || ch->local_ends < 2) {
        errno = EINVAL;
        return -1;
    }
    seL4_Word slot = si->empty.start;
    if (slot + 2 > si->empty.end) {
        errno = ENOMEM;
        return -1;
    }
    seL4_Word vaddr = 0;
    if (rt_process_share(p, ch->frame, seL4_ReadWrite, &vaddr) != seL4_NoError) {
        errno = ENOMEM;
        return -1;
    }
    if (give_cap(p, slot, ch->obj[e->end].cap, seL4_CanRead) != seL4_NoError) {
        rt_vspace_unmap(&p->vspace, vaddr);
        errno = ENOMEM;
        return -1;
    }
    if (give_cap(p, slot + 1, ch->obj[1 - e->end].cap, seL4_CanWrite) != seL4_NoError) {
        take_back(p, slot);
        rt_vspace_unmap(&p->vspace, vaddr);
        errno = ENOMEM;
        return -1;
    }
    si->empty.start = slot + 2;
    words[0] = vaddr | (seL4_Word)e->end | ((seL4_Word)(e->obj.flags & O_ACCMODE) << 1);
    words[1] = slot;
    ch->given = true;
    ch->given_end = e->end;
    /* The end now lives in p: drop it here without hanging up. */
    posix_fd_detach(&e->obj);
    chan_forget_end(e);
    return 0;
}

int posix_channel_adopt(const seL4_Word words[POSIX_CHANNEL_WORDS])
{
    struct chan_shared *sh = (struct chan_shared *)(words[0] & ~(seL4_Word)WORD0_FLAGS);
    int end = (int)(words[0] & WORD0_END);
    int mode = (int)((words[0] & WORD0_MODE) >> 1);
    if (!posix_state())
        return -1;
    if (!sh || (mode != O_RDONLY && mode != O_WRONLY && mode != O_RDWR) ||
        atomic_load_explicit(&sh->magic, memory_order_relaxed) != CHAN_MAGIC) {
        errno = EINVAL;
        return -1;
    }
    struct chan *ch = calloc(1, sizeof(*ch));
    if (!ch) {
        errno = ENOMEM;
        return -1;
    }
    ch->sh = sh;
    ch->ntfn[end] = words[1];
    ch->ntfn[1 - end] = words[1] + 1;
    int fd = chan_open_end(ch, end, mode);
    if (fd < 0)
        free(ch);
    return fd;
}

/*
 * The notification-set object (docs/notification-set.md).
 *
 *   set object: 2^k entries of 32 bytes, aligned to its size
 *   +-----------------+ entry 0
 *   | struct nset     |  header: waiters, ready list, count, teardown, notify slot
 *   +-----------------+ entry 2
 *   | member (token 0)|  struct nset_member
 *   | member (token 1)|
 *   | ...             |
 *   +-----------------+ entry 2^k - 1
 *
 * A member notification's `bound` word points at its member entry, tagged NTFN_MEMBER.
 *
 * Invariants (kept by every function here, with interrupts masked):
 *  I1  a member is on the ready list iff its notification is Active;
 *  I2  the set has waiters only while its ready list is empty;
 *  I3  an entry in use points to a notification whose bound word points back to it, and
 *      no other notification points into the set.
 */
#ifndef NSET_H
#define NSET_H

#include <object/cap.h>
#include <object/notification.h>
#include <object/queue.h>
#include <object/tcb.h>
#include <sel4/messageinfo.h>
#include <sel4/objecttype.h>

#define NSET_ENTRY_BITS     seL4_NotificationSetEntryBits
#define NSET_HEADER_ENTRIES seL4_NotificationSetHeaderEntries
#define NSET_NONE           0u /* "no entry" in ready-list links: entry 0 is the header */

/* Entries a set's teardown visits per kernel entry (docs/notification-set.md). */
#define NSET_TEARDOWN_BUDGET 256

#define MEMBER_IN_USE 1u
#define MEMBER_READY  2u

struct nset_member {
    struct notification *ntfn;
    uint32_t index; /* entry number: token + NSET_HEADER_ENTRIES */
    uint32_t flags; /* MEMBER_* */
    uint32_t next;  /* ready list links (entry numbers) */
    uint32_t prev;
    uint64_t unused;
};

struct nset {
    struct thread_queue waiters; /* threads blocked in Wait, FIFO */
    uint32_t ready_head;         /* entry numbers, NSET_NONE when empty */
    uint32_t ready_tail;
    uint32_t count;         /* members */
    uint32_t teardown;      /* 0 while alive; 1 + entries left to detach while deleted */
    struct cte notify_slot; /* notification to signal when the set becomes non-empty */
};

_Static_assert(sizeof(struct nset_member) == BIT(NSET_ENTRY_BITS), "member entry size");
_Static_assert(sizeof(struct nset) == NSET_HEADER_ENTRIES * BIT(NSET_ENTRY_BITS), "header size");

static inline struct nset_member *nset_entry(struct nset *s, uint32_t index)
{
    return (struct nset_member *)((char *)s + ((uintptr_t)index << NSET_ENTRY_BITS));
}

static inline struct nset *nset_of(struct nset_member *m)
{
    return (struct nset *)((char *)m - ((uintptr_t)m->index << NSET_ENTRY_BITS));
}

static inline struct nset_member *ntfn_member(const struct notification *n)
{
    return (struct nset_member *)(uintptr_t)(n->bound & ~NTFN_FLAGS);
}

/* Ready list: a FIFO of member entries linked by entry number. */
static inline void nset_ready_append(struct nset *s, struct nset_member *m)
{
    m->next = NSET_NONE;
    m->prev = s->ready_tail;
    if (s->ready_tail)
        nset_entry(s, s->ready_tail)->next = m->index;
    else
        s->ready_head = m->index;
    s->ready_tail = m->index;
    m->flags |= MEMBER_READY;
}

static inline void nset_ready_remove(struct nset *s, struct nset_member *m)
{
    if (m->prev)
        nset_entry(s, m->prev)->next = m->next;
    else
        s->ready_head = m->next;
    if (m->next)
        nset_entry(s, m->next)->prev = m->prev;
    else
        s->ready_tail = m->prev;
    m->next = m->prev = NSET_NONE;
    m->flags &= ~MEMBER_READY;
}

/* Writes pair i (token, word) into t's message registers (x2.. then the IPC buffer). */
static inline void nset_put_pair(struct tcb *t, seL4_IPCBuffer *buf, unsigned i, word_t token,
                                 word_t word)
{
    unsigned r = 2 * i;
    if (r < TCB_MSG_REGISTERS)
        t->frame.x[2 + r] = token;
    else
        buf->msg[r] = token;
    if (r + 1 < TCB_MSG_REGISTERS)
        t->frame.x[2 + r + 1] = word;
    else
        buf->msg[r + 1] = word;
}

static inline void nset_finish_reply(struct tcb *t, unsigned n)
{
    t->frame.x[0] = n;
    t->frame.x[1] = seL4_MessageInfo_new(0, 0, 0, 2 * n).words[0];
}

/* Operations on the object. The caller has checked caps and arguments (nset_decode.c);
 * these only keep the invariants. */
void nset_init(struct nset *s);
/* Makes n a member at entry index (free, n in no set and unbound). O(1). */
void nset_add(struct nset *s, uint32_t index, struct notification *n);
/* Takes member m out of its set; its notification keeps its word and state. O(1). */
void nset_remove(struct nset_member *m);
/* Hands up to max ready members to t: (token, word) pairs in its message registers, the
 * count in x0; each member's notification goes Idle. Returns the count. O(max). */
unsigned nset_take(struct nset *s, struct tcb *t, unsigned max);
/* Blocks t on the set (Wait with nothing ready); max is kept for the delivery. */
void nset_block(struct nset *s, struct tcb *t, unsigned max);
/* The set's last cap is being deleted: detaches members, a bounded number per call.
 * capacity: entries of the set. Returns 0 when done or ERR_PREEMPTED. */
int nset_teardown(struct nset *s, uint32_t entries);

/* The hooks the base kernel calls (kernel/include/hooks.h). */
bool nset_hook_signal(struct notification *n, word_t badge);
void nset_hook_consumed(struct notification *n);
void nset_hook_ntfn_deleted(struct notification *n);
void nset_hook_cancel_wait(struct tcb *t);
int nset_hook_derive(struct cap c);

#endif

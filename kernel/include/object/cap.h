/*
 * Capabilities and capability slots (CTEs).
 *
 * A slot is 32 bytes (seL4_SlotBits): a 16-byte capability and a 16-byte node of the
 * derivation list (seL4's "mapping database", MDB). The MDB is one doubly linked list per
 * tree of derivation, in depth-first order, so the children of a cap are the nodes that
 * follow it for which mdb_is_parent() holds.
 *
 *   cap word 0:  type:5 | rights:4 | size_bits:6 | flag:1 | obj:48
 *   cap word 1:  data (meaning per type, see below)
 *   mdb word 0:  prev slot
 *   mdb word 1:  next slot | first_badged << 1 | revocable
 *
 *   type          obj                     size_bits     flag     data
 *   untyped       base (kernel VA)        log2 bytes    device   watermark (bytes used)
 *   endpoint      object                  -             -        badge
 *   notification  object                  -             -        badge
 *   cnode         slot array              radix         -        guard << 6 | guard size
 *   tcb           object                  -             -        -
 *   zombie        cnode slots / tcb       radix         is tcb   slots left to delete
 *   frame         frame (kernel VA)       12 or 21      device   asid << 48 | vaddr, 0 if unmapped
 *   page table    table (kernel VA)       -             -        asid << 48 | vaddr, 0 if unmapped
 *   vspace        root table (kernel VA)  -             -        asid, 0 if none
 *   asid pool     pool (kernel VA)        -             -        first asid of the pool
 *   irq handler   -                       -             -        irq number
 */
#ifndef OBJECT_CAP_H
#define OBJECT_CAP_H

#include <types.h>
#include <sel4/constants.h>

enum cap_type {
    CAP_NULL = seL4_CapType_Null,
    CAP_UNTYPED = seL4_CapType_Untyped,
    CAP_ENDPOINT = seL4_CapType_Endpoint,
    CAP_NOTIFICATION = seL4_CapType_Notification,
    CAP_REPLY = seL4_CapType_Reply,
    CAP_CNODE = seL4_CapType_CNode,
    CAP_TCB = seL4_CapType_TCB,
    CAP_IRQ_CONTROL = seL4_CapType_IRQControl,
    CAP_IRQ_HANDLER = seL4_CapType_IRQHandler,
    CAP_ZOMBIE = seL4_CapType_Zombie,
    CAP_FRAME = seL4_CapType_Frame,
    CAP_PAGE_TABLE = seL4_CapType_PageTable,
    CAP_VSPACE = seL4_CapType_VSpace,
    CAP_ASID_CONTROL = seL4_CapType_ASIDControl,
    CAP_ASID_POOL = seL4_CapType_ASIDPool,
    CAP_NSET = seL4_CapType_NotificationSet, /* kernel-patch/ only */
};

/* Rights bits, as in seL4_CapRights_t. */
#define CAP_RIGHT_WRITE       1u
#define CAP_RIGHT_READ        2u
#define CAP_RIGHT_GRANT       4u
#define CAP_RIGHT_GRANT_REPLY 8u
#define CAP_RIGHTS_ALL        15u

struct cap {
    uint64_t type : 5;
    uint64_t rights : 4;
    uint64_t size_bits : 6;
    uint64_t flag : 1;
    uint64_t obj : 48;
    uint64_t data;
};

struct cte {
    struct cap cap;
    uint64_t mdb_prev;
    uint64_t mdb_next;
};

_Static_assert(sizeof(struct cap) == 16, "a capability is two words");
_Static_assert(sizeof(struct cte) == (1u << 5), "a slot is 2^seL4_SlotBits bytes");

#define MDB_REVOCABLE    1ull
#define MDB_FIRST_BADGED 2ull
#define MDB_FLAGS        3ull

/* Kernel virtual addresses share their top 16 bits; caps keep the low 48. (Host unit
 * tests build with CAP_PTR_BASE 0: user-space pointers there have zero top bits.) */
#ifndef CAP_PTR_BASE
#define CAP_PTR_BASE 0xffff000000000000ull
#endif

static inline void *cap_ptr(struct cap c)
{
    return (void *)(uintptr_t)(c.obj | CAP_PTR_BASE);
}

static inline struct cap cap_make(enum cap_type type, const void *obj, unsigned rights,
                                  unsigned size_bits, bool flag, uint64_t data)
{
    struct cap c = {.type = type,
                    .rights = rights & CAP_RIGHTS_ALL,
                    .size_bits = size_bits,
                    .flag = flag,
                    .obj = (uint64_t)(uintptr_t)obj & MASK(48),
                    .data = data};
    return c;
}

static inline struct cap cap_null(void)
{
    struct cap c = {0};
    return c;
}

static inline bool cap_is_null(struct cap c)
{
    return c.type == CAP_NULL;
}

/* CNode caps: guard data in seL4_CNode_CapData layout. */
static inline unsigned cnode_guard_size(struct cap c)
{
    return (unsigned)(c.data & 0x3f);
}

static inline uint64_t cnode_guard(struct cap c)
{
    return c.data >> 6;
}

/* MDB links. */
static inline struct cte *mdb_next(const struct cte *s)
{
    return (struct cte *)(uintptr_t)(s->mdb_next & ~MDB_FLAGS);
}

static inline struct cte *mdb_prev(const struct cte *s)
{
    return (struct cte *)(uintptr_t)s->mdb_prev;
}

static inline bool mdb_revocable(const struct cte *s)
{
    return s->mdb_next & MDB_REVOCABLE;
}

static inline bool mdb_first_badged(const struct cte *s)
{
    return s->mdb_next & MDB_FIRST_BADGED;
}

/* Results of operations that may stop early to let an interrupt in. */
#define ERR_PREEMPTED (-1)

/* Do a and b name the same object (so that deleting one of them is not final)? */
bool cap_same_object(struct cap a, struct cap b);
/* Is b's object within a's (untyped region, same frame, same irq range ...)? */
bool cap_same_region(struct cap a, struct cap b);
/* Is the cap in child derived from the cap in parent (parent precedes child)? */
bool mdb_is_parent(const struct cte *parent, const struct cte *child);
/* Has the cap in slot any children? */
bool mdb_has_children(const struct cte *slot);

/* Puts cap (derived from the cap in src) into the empty slot dest, right after src in
 * the derivation list; revocable/first-badged as seL4's isCapRevocable decides. */
void cte_insert(struct cap cap, struct cte *src, struct cte *dest);
/* Puts a new original cap (made by Retype or at boot) into the empty slot dest as a child
 * of parent (NULL: the root of a new tree). */
void cte_insert_new(struct cap cap, struct cte *parent, struct cte *dest);
/* Moves the cap in src to the empty slot dest as cap (same object, maybe new badge or
 * guard), keeping its place in the derivation list. */
void cte_move(struct cap cap, struct cte *src, struct cte *dest);

/* Deletes the cap in slot; if it was the last cap to its object, finalises the object
 * (which may take many steps). Returns 0, or ERR_PREEMPTED if an interrupt is pending:
 * the work done so far is kept (as zombies) and the caller restarts the system call. */
int cte_delete(struct cte *slot);
/* Deletes every cap derived from the one in slot. 0 or ERR_PREEMPTED, as cte_delete. */
int cte_revoke(struct cte *slot);

/* Preemption points: call once per unit of long-running work; true when an interrupt is
 * pending and the operation should stop at a consistent point. */
bool preemption_point(void);
/* Resets the work counter at kernel entry. */
void preemption_reset(void);

#endif

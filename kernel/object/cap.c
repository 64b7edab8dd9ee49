/*
 * The derivation list (MDB) and the deletion of capabilities.
 *
 * Deletion follows seL4's design without recursion on the kernel stack: the last cap to a
 * CNode or TCB ("container" objects, which hold slots) is turned into a zombie that
 * remembers how many of the container's slots are still to be emptied; the slots are
 * emptied from the last one down, descending into inner containers in place. A zombie is
 * a consistent state, so the work can stop at any preemption point and continue when the
 * system call restarts.
 */
#include <object/cap.h>
#include <object/cnode.h>
#include <object/tcb.h>
#include <object/endpoint.h>
#include <object/notification.h>
#include <object/irq.h>
#include <arch/objects.h>
#include <hooks.h>
#include <machine.h>
#include <kstring.h>

/* Start and size (log2 bytes) of the memory a cap's object occupies; false for caps
 * that name no memory. */
static bool cap_region(struct cap c, uintptr_t *base, unsigned *bits)
{
    *base = (uintptr_t)cap_ptr(c);
    switch (c.type) {
    case CAP_UNTYPED:
    case CAP_FRAME:
        *bits = c.size_bits;
        return true;
    case CAP_CNODE:
        *bits = c.size_bits + CNODE_SLOT_BITS;
        return true;
    case CAP_TCB:
        *bits = seL4_TCBBits;
        return true;
    case CAP_ENDPOINT:
        *bits = seL4_EndpointBits;
        return true;
    case CAP_NOTIFICATION:
        *bits = seL4_NotificationBits;
        return true;
    case CAP_PAGE_TABLE:
    case CAP_VSPACE:
    case CAP_ASID_POOL:
        *bits = seL4_PageTableBits;
        return true;
    case CAP_ZOMBIE:
        *bits = c.flag ? seL4_TCBBits : c.size_bits + CNODE_SLOT_BITS;
        return true;
    case CAP_NSET:
        *bits = c.size_bits;
        return true;
    default:
        return false;
    }
}

bool cap_same_region(struct cap a, struct cap b)
{
    switch (a.type) {
    case CAP_NULL:
        return false;
    case CAP_UNTYPED: {
        uintptr_t base, b_base;
        unsigned bits, b_bits;
        cap_region(a, &base, &bits);
        if (!cap_region(b, &b_base, &b_bits))
            return false;
        uintptr_t last = base + (BIT(bits) - 1), b_last = b_base + (BIT(b_bits) - 1);
        return b_base >= base && b_last <= last;
    }
    case CAP_FRAME:
        return b.type == CAP_FRAME && a.obj == b.obj && a.size_bits == b.size_bits &&
               a.flag == b.flag;
    case CAP_CNODE:
        return b.type == CAP_CNODE && a.obj == b.obj && a.size_bits == b.size_bits;
    case CAP_IRQ_CONTROL:
        return b.type == CAP_IRQ_CONTROL || b.type == CAP_IRQ_HANDLER;
    case CAP_IRQ_HANDLER:
        return b.type == CAP_IRQ_HANDLER && a.data == b.data;
    case CAP_ASID_CONTROL:
        return b.type == CAP_ASID_CONTROL;
    case CAP_ZOMBIE:
        return false;
    default:
        return a.type == b.type && a.obj == b.obj;
    }
}

/* Does the zombie z stand for the object of cap c? */
static bool zombie_matches(struct cap z, struct cap c)
{
    if (c.type == CAP_ZOMBIE)
        return z.obj == c.obj && z.flag == c.flag;
    return z.obj == c.obj && ((z.flag && c.type == CAP_TCB) || (!z.flag && c.type == CAP_CNODE));
}

bool cap_same_object(struct cap a, struct cap b)
{
    if (a.type == CAP_NULL || b.type == CAP_NULL)
        return false;
    if (a.type == CAP_UNTYPED || b.type == CAP_UNTYPED)
        return false;
    if (a.type == CAP_IRQ_CONTROL && b.type == CAP_IRQ_HANDLER)
        return false;
    if (a.type == CAP_ZOMBIE)
        return zombie_matches(a, b);
    if (b.type == CAP_ZOMBIE)
        return zombie_matches(b, a);
    return cap_same_region(a, b);
}

bool mdb_is_parent(const struct cte *parent, const struct cte *child)
{
    if (!mdb_revocable(parent) || !cap_same_region(parent->cap, child->cap))
        return false;
    switch (parent->cap.type) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION: {
        uint64_t badge = parent->cap.data;
        if (badge == 0)
            return true;
        return badge == child->cap.data && !mdb_first_badged(child);
    }
    default:
        return true;
    }
}

bool mdb_has_children(const struct cte *slot)
{
    const struct cte *next = mdb_next(slot);
    return next && mdb_is_parent(slot, next);
}

/* seL4's isCapRevocable: may the new cap have children of its own? */
static bool cap_is_revocable(struct cap derived, struct cap src)
{
    switch (derived.type) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        return derived.data != src.data;
    case CAP_UNTYPED:
        return true;
    case CAP_IRQ_HANDLER:
        return src.type == CAP_IRQ_CONTROL;
    default:
        return false;
    }
}

/* Links dest into the list right after prev (which may be NULL). */
static void mdb_link_after(struct cte *prev, struct cte *dest, uint64_t flags)
{
    struct cte *next = prev ? mdb_next(prev) : NULL;
    dest->mdb_prev = (uint64_t)(uintptr_t)prev;
    dest->mdb_next = (uint64_t)(uintptr_t)next | flags;
    if (next)
        next->mdb_prev = (uint64_t)(uintptr_t)dest;
    if (prev)
        prev->mdb_next = (uint64_t)(uintptr_t)dest | (prev->mdb_next & MDB_FLAGS);
}

void cte_insert(struct cap cap, struct cte *src, struct cte *dest)
{
    bool revocable = cap_is_revocable(cap, src->cap);
    dest->cap = cap;
    mdb_link_after(src, dest, revocable ? MDB_REVOCABLE | MDB_FIRST_BADGED : 0);
}

void cte_insert_new(struct cap cap, struct cte *parent, struct cte *dest)
{
    dest->cap = cap;
    mdb_link_after(parent, dest, MDB_REVOCABLE | MDB_FIRST_BADGED);
}

void cte_move(struct cap cap, struct cte *src, struct cte *dest)
{
    struct cte *prev = mdb_prev(src), *next = mdb_next(src);
    dest->cap = cap;
    dest->mdb_prev = src->mdb_prev;
    dest->mdb_next = src->mdb_next;
    if (prev)
        prev->mdb_next = (uint64_t)(uintptr_t)dest | (prev->mdb_next & MDB_FLAGS);
    if (next)
        next->mdb_prev = (uint64_t)(uintptr_t)dest;
    memset(src, 0, sizeof(*src));
}

/* Unlinks the slot from the derivation list and leaves it empty. */
static void cte_empty(struct cte *slot)
{
    struct cte *prev = mdb_prev(slot), *next = mdb_next(slot);
    if (prev)
        prev->mdb_next = (uint64_t)(uintptr_t)next | (prev->mdb_next & MDB_FLAGS);
    if (next) {
        next->mdb_prev = (uint64_t)(uintptr_t)prev;
        /* A badged child's "first badged" mark passes on so the badge's tree stays whole. */
        if (mdb_first_badged(slot))
            next->mdb_next |= MDB_FIRST_BADGED;
    }
    memset(slot, 0, sizeof(*slot));
}

/* Is the cap in slot the last one to its object? Caps to one object are neighbours in
 * the derivation list, so looking at both neighbours is enough. */
static bool cte_is_final(const struct cte *slot)
{
    const struct cte *prev = mdb_prev(slot), *next = mdb_next(slot);
    if (prev && cap_same_object(prev->cap, slot->cap))
        return false;
    if (next && cap_same_object(next->cap, slot->cap))
        return false;
    return true;
}

static bool cap_is_container(struct cap c)
{
    return c.type == CAP_CNODE || c.type == CAP_TCB;
}

static struct cte *zombie_slots(struct cap z)
{
    return z.flag ? ((struct tcb *)cap_ptr(z))->slots : (struct cte *)cap_ptr(z);
}

/* The object of a final cap that holds no slots is finalised; only a notification set
 * takes more than one step (0 when done, else ERR_PREEMPTED). */
static int finalise_leaf(struct cap c)
{
    switch (c.type) {
    case CAP_FRAME:
    case CAP_PAGE_TABLE:
    case CAP_VSPACE:
    case CAP_ASID_POOL:
        arch_finalise_cap(c);
        break;
    case CAP_ENDPOINT:
        ep_finalise(cap_ptr(c));
        break;
    case CAP_NOTIFICATION:
        ntfn_finalise(cap_ptr(c));
        break;
    case CAP_IRQ_HANDLER:
        irq_handler_finalise((unsigned)c.data);
        break;
    case CAP_NSET:
        return nset_finalise(c);
    default:
        break;
    }
    return 0;
}

/* The last cap to a container becomes a zombie; the object itself stops being usable now
 * (a thread is suspended and leaves every queue). */
static struct cap make_zombie(struct cap c)
{
    if (c.type == CAP_TCB) {
        tcb_finalise(cap_ptr(c));
        return cap_make(CAP_ZOMBIE, cap_ptr(c), 0, 0, true, TCB_NUM_SLOTS);
    }
    return cap_make(CAP_ZOMBIE, cap_ptr(c), 0, c.size_bits, false, BIT(c.size_bits));
}

/* Exchanges the contents of two slots, derivation links included (seL4's cteSwap). */
static struct cte *swap_ref(struct cte *p, struct cte *a, struct cte *b)
{
    return p == a ? b : p == b ? a : p;
}

static void cte_swap(struct cte *a, struct cte *b)
{
    struct cte ta = *a, tb = *b;
    *a = tb;
    *b = ta;
    struct cte *const both[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        struct cte *x = both[i];
        x->mdb_prev = (uint64_t)(uintptr_t)swap_ref(mdb_prev(x), a, b);
        x->mdb_next = (uint64_t)(uintptr_t)swap_ref(mdb_next(x), a, b) | (x->mdb_next & MDB_FLAGS);
    }
    for (int i = 0; i < 2; i++) {
        struct cte *x = both[i], *p = mdb_prev(x), *n = mdb_next(x);
        if (p && p != a && p != b)
            p->mdb_next = (uint64_t)(uintptr_t)x | (p->mdb_next & MDB_FLAGS);
        if (n && n != a && n != b)
            n->mdb_prev = (uint64_t)(uintptr_t)x;
    }
}

/* Is x a slot on the descent from top to current (a zombie we are already inside)? The
 * path is implicit: each zombie descends into its last slot still to be emptied. */
static bool on_descent_path(struct cte *top, struct cte *current, struct cte *x)
{
    for (struct cte *s = top;; s = &zombie_slots(s->cap)[s->cap.data - 1]) {
        if (s == x)
            return true;
        if (s == current || s->cap.type != CAP_ZOMBIE || s->cap.data == 0)
            return false;
    }
}

int cte_delete(struct cte *top)
{
    struct cte *slot = top;
    for (;;) {
        struct cap c = slot->cap;
        if (c.type == CAP_NULL) {
            if (slot == top)
                return 0;
            slot = top; /* an inner container is done: carry on from the top */
            continue;
        }
        if (c.type != CAP_ZOMBIE) {
            if (!cte_is_final(slot)) {
                cte_empty(slot);
            } else if (!cap_is_container(c)) {
                int r = finalise_leaf(c);
                if (r)
                    return r;
                cte_empty(slot);
            } else {
                slot->cap = make_zombie(c);
            }
            continue;
        }
        if (c.data == 0) {
            cte_empty(slot);
            continue;
        }
        struct cte *inner = &zombie_slots(c)[c.data - 1];
        if (inner->cap.type == CAP_NULL || inner == slot) {
            slot->cap.data--;
            if (preemption_point())
                return ERR_PREEMPTED;
            continue;
        }
        if (inner->cap.type == CAP_ZOMBIE && on_descent_path(top, slot, inner)) {
            /* A cycle of containers that only hold caps to each other (unreachable, so
             * this is a Revoke of their memory). Swapping puts this zombie inside its own
             * container, where it finishes by itself; the other stays a zombie child of
             * the untyped, and the Revoke deletes it next. */
            cte_swap(slot, inner);
            slot = top;
            continue;
        }
        slot = inner; /* empty the inner slot first (it may be a container itself) */
    }
}

int cte_revoke(struct cte *slot)
{
    struct cte *next;
    while ((next = mdb_next(slot)) && mdb_is_parent(slot, next)) {
        int r = cte_delete(next);
        if (r)
            return r;
        if (preemption_point())
            return ERR_PREEMPTED;
    }
    return 0;
}

/* Work units between two looks at the interrupt controller (seL4 uses 100). */
#define WORK_UNITS_PER_CHECK 64
static unsigned work_units;

bool preemption_point(void)
{
    if (++work_units < WORK_UNITS_PER_CHECK)
        return false;
    work_units = 0;
    return irq_pending();
}

void preemption_reset(void)
{
    work_units = 0;
}

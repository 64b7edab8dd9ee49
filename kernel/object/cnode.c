/* CSpace lookups and the CNode invocations (seL4 reference manual, section 3). */
#include <object/cnode.h>
#include <object/tcb.h>
#include <object/endpoint.h>
#include <api/invocation.h>
#include <arch/objects.h>
#include <hooks.h>
#include <sel4/invocation.h>

int cnode_resolve(struct cap root, word_t cptr, unsigned depth, struct cte **slot,
                  unsigned *bits_left)
{
    struct cap c = root;
    unsigned n = depth;
    if (c.type != CAP_CNODE)
        return seL4_FailedLookup;
    for (;;) {
        unsigned radix = c.size_bits, guard_bits = cnode_guard_size(c);
        unsigned level_bits = radix + guard_bits;
        if (guard_bits > n)
            return seL4_FailedLookup;
        word_t guard = guard_bits ? (cptr >> (n - guard_bits)) & MASK(guard_bits) : 0;
        if (guard != cnode_guard(c))
            return seL4_FailedLookup;
        if (level_bits > n)
            return seL4_FailedLookup;
        word_t index = (cptr >> (n - level_bits)) & MASK(radix);
        struct cte *s = (struct cte *)cap_ptr(c) + index;
        n -= level_bits;
        if (n == 0 || s->cap.type != CAP_CNODE) {
            *slot = s;
            *bits_left = n;
            return seL4_NoError;
        }
        c = s->cap;
    }
}

int cnode_lookup_slot(struct tcb *t, word_t cptr, struct cte **slot)
{
    unsigned left;
    return cnode_resolve(t->slots[TCB_CSPACE].cap, cptr, seL4_WordBits, slot, &left);
}

int cnode_lookup_op_slot(struct cap root, word_t index, word_t depth, struct cte **slot)
{
    unsigned left;
    if (depth < 1 || depth > seL4_WordBits)
        return seL4_RangeError;
    if (root.type != CAP_CNODE)
        return seL4_FailedLookup;
    int err = cnode_resolve(root, index, (unsigned)depth, slot, &left);
    if (err)
        return err;
    return left ? seL4_FailedLookup : seL4_NoError;
}

struct cap cap_update_data(bool preserve, word_t data, struct cap c)
{
    switch (c.type) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        /* A badge is set once, by Mint of an unbadged cap. */
        if (preserve || c.data != 0)
            return cap_null();
        c.data = data;
        return c;
    case CAP_CNODE: {
        unsigned guard_size = data & 0x3f;
        if (guard_size + c.size_bits > seL4_WordBits)
            return cap_null();
        word_t guard = data >> 6;
        c.data = ((guard_size ? guard & MASK(guard_size) : 0) << 6) | guard_size;
        return c;
    }
    default:
        return c;
    }
}

struct cap cap_derive(struct cte *slot, struct cap c, int *err)
{
    *err = seL4_NoError;
    switch (c.type) {
    case CAP_UNTYPED:
        if (mdb_has_children(slot))
            *err = seL4_RevokeFirst;
        return c;
    case CAP_ZOMBIE:
    case CAP_IRQ_CONTROL:
    case CAP_REPLY:
    case CAP_ASID_CONTROL:
        *err = seL4_IllegalOperation;
        return cap_null();
    case CAP_FRAME:
    case CAP_PAGE_TABLE:
    case CAP_VSPACE:
    case CAP_ASID_POOL:
        return arch_derive_cap(c, err);
    case CAP_NSET:
        *err = nset_hook_derive(c);
        return c;
    default:
        return c;
    }
}

/* Copy, Mint, Move and Mutate: dest is empty and checked; the source comes from the
 * extra cap and MRs 2 and 3. */
static int decode_copy_family(struct invocation *inv, struct cte *dest)
{
    word_t label = inv->label;
    unsigned need = label == CNodeMove ? 4 : label == CNodeMint ? 6 : 5;
    if (inv->length < need || inv->extra_caps < 1)
        return seL4_TruncatedMessage;
    struct cte *src;
    int err = cnode_lookup_op_slot(inv->extra[0]->cap, inv_mr(inv, 2), inv_mr(inv, 3), &src);
    if (err)
        return err;
    if (src->cap.type == CAP_NULL)
        return seL4_FailedLookup;

    struct cap c = src->cap;
    if (label == CNodeMove) {
        cte_move(c, src, dest);
        return seL4_NoError;
    }
    if (label == CNodeMutate) {
        c = cap_update_data(true, inv_mr(inv, 4), c);
        if (c.type == CAP_NULL)
            return seL4_IllegalOperation;
        cte_move(c, src, dest);
        return seL4_NoError;
    }
    c = cap_derive(src, c, &err);
    if (err)
        return err;
    c.rights &= inv_mr(inv, 4) & CAP_RIGHTS_ALL;
    if (label == CNodeMint)
        c = cap_update_data(false, inv_mr(inv, 5), c);
    if (c.type == CAP_NULL)
        return seL4_IllegalOperation;
    cte_insert(c, src, dest);
    return seL4_NoError;
}

int cnode_decode(struct invocation *inv)
{
    switch (inv->label) {
    case CNodeCopy:
    case CNodeMint:
    case CNodeMove:
    case CNodeMutate:
    case CNodeDelete:
    case CNodeRevoke:
    case CNodeCancelBadgedSends:
        break;
    default:
        return seL4_IllegalOperation;
    }
    if (inv->length < 2)
        return seL4_TruncatedMessage;
    struct cte *dest;
    int err = cnode_lookup_op_slot(inv->cap, inv_mr(inv, 0), inv_mr(inv, 1), &dest);
    if (err)
        return err;
    if (inv->label == CNodeDelete)
        return cte_delete(dest);
    if (inv->label == CNodeRevoke)
        return cte_revoke(dest);
    if (inv->label == CNodeCancelBadgedSends) {
        /* As seL4's hasCancelSendRights: an endpoint cap with every right. */
        if (dest->cap.type != CAP_ENDPOINT || dest->cap.rights != CAP_RIGHTS_ALL)
            return seL4_IllegalOperation;
        if (dest->cap.data)
            ep_cancel_badged_sends(cap_ptr(dest->cap), dest->cap.data);
        return seL4_NoError;
    }
    if (dest->cap.type != CAP_NULL)
        return seL4_DeleteFirst;
    return decode_copy_family(inv, dest);
}

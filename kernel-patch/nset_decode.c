/*
 * The notification set's invocations (Add, Remove, RemoveNotification, SetNotification),
 * Wait/Poll (seL4_Recv/NBRecv on the set cap), and its life as an object (create,
 * finalise). Each decoder checks everything before changing anything.
 */
#include <nset.h>
#include <api/invocation.h>
#include <object/cnode.h>
#include <core.h>
#include <sel4/invocation.h>
#include <sel4/messageinfo.h>

static uint32_t set_entries(struct cap c)
{
    return (uint32_t)BIT(c.size_bits - NSET_ENTRY_BITS);
}

static int decode_add(struct invocation *inv, struct nset *s)
{
    if (inv->length < 1 || inv->extra_caps < 1)
        return seL4_TruncatedMessage;
    word_t token = inv_mr(inv, 0);
    struct cap nc = inv->extra[0]->cap;
    if (nc.type != CAP_NOTIFICATION || !(nc.rights & CAP_RIGHT_READ))
        return seL4_InvalidCapability;
    uint32_t capacity = set_entries(inv->cap) - NSET_HEADER_ENTRIES;
    if (token >= capacity)
        return seL4_RangeError;
    if (s->count == capacity)
        return seL4_NotEnoughMemory;
    uint32_t index = (uint32_t)token + NSET_HEADER_ENTRIES;
    if (nset_entry(s, index)->flags & MEMBER_IN_USE)
        return seL4_DeleteFirst;
    struct notification *n = cap_ptr(nc);
    if (n->bound & ~NTFN_ACTIVE) /* bound to a TCB, or in a set already */
        return seL4_IllegalOperation;
    nset_add(s, index, n);
    return seL4_NoError;
}

static int decode_remove(struct invocation *inv, struct nset *s)
{
    if (inv->length < 1)
        return seL4_TruncatedMessage;
    word_t token = inv_mr(inv, 0);
    if (token >= set_entries(inv->cap) - NSET_HEADER_ENTRIES)
        return seL4_RangeError;
    struct nset_member *m = nset_entry(s, (uint32_t)token + NSET_HEADER_ENTRIES);
    if (!(m->flags & MEMBER_IN_USE))
        return seL4_FailedLookup; /* a stale token */
    nset_remove(m);
    return seL4_NoError;
}

static int decode_remove_ntfn(struct invocation *inv, struct nset *s)
{
    if (inv->extra_caps < 1)
        return seL4_TruncatedMessage;
    struct cap nc = inv->extra[0]->cap;
    if (nc.type != CAP_NOTIFICATION)
        return seL4_InvalidCapability;
    struct notification *n = cap_ptr(nc);
    if (!(n->bound & NTFN_MEMBER) || nset_of(ntfn_member(n)) != s)
        return seL4_InvalidArgument; /* not a member of this set */
    nset_remove(ntfn_member(n));
    return seL4_NoError;
}

static int decode_set_notification(struct invocation *inv, struct nset *s)
{
    if (inv->extra_caps < 1)
        return seL4_TruncatedMessage;
    struct cte *src = inv->extra[0];
    struct cap c = src->cap;
    if (c.type != CAP_NULL) {
        if (c.type != CAP_NOTIFICATION || !(c.rights & CAP_RIGHT_WRITE))
            return seL4_InvalidCapability;
        if (((struct notification *)cap_ptr(c))->bound & NTFN_MEMBER)
            return seL4_IllegalOperation; /* no chains of sets signalling sets */
        int err;
        c = cap_derive(src, c, &err);
        if (err)
            return err;
    }
    int err = cte_delete(&s->notify_slot);
    if (err)
        return err;
    if (c.type != CAP_NULL)
        cte_insert(c, src, &s->notify_slot);
    return seL4_NoError;
}

int nset_decode(struct invocation *inv)
{
    struct nset *s = cap_ptr(inv->cap);
    if (s->teardown || !(inv->cap.rights & CAP_RIGHT_WRITE))
        return seL4_InvalidCapability;
    switch (inv->label) {
    case NotificationSetAdd:
        return decode_add(inv, s);
    case NotificationSetRemove:
        return decode_remove(inv, s);
    case NotificationSetRemoveNotification:
        return decode_remove_ntfn(inv, s);
    case NotificationSetSetNotification:
        return decode_set_notification(inv, s);
    default:
        return seL4_IllegalOperation;
    }
}

static void recv_error(struct tcb *t, seL4_Error err)
{
    t->frame.x[0] = 0;
    t->frame.x[1] = seL4_MessageInfo_new(err, 0, 0, 0).words[0];
}

void nset_recv(struct tcb *t, struct cap c, bool blocking)
{
    struct nset *s = cap_ptr(c);
    word_t max = t->frame.x[2];
    if (s->teardown) {
        recv_error(t, seL4_InvalidCapability);
        return;
    }
    word_t limit = tcb_ipc_buffer(t) ? seL4_NotificationSetMaxEvents : TCB_MSG_REGISTERS / 2;
    if (max < 1 || max > limit) {
        recv_error(t, seL4_RangeError);
        return;
    }
    if (s->ready_head != NSET_NONE)
        nset_take(s, t, (unsigned)max);
    else if (blocking)
        nset_block(s, t, (unsigned)max);
    else
        nset_take(s, t, 0);
}

struct cap nset_create(void *obj, unsigned obj_bits)
{
    nset_init(obj);
    return cap_make(CAP_NSET, obj, CAP_RIGHTS_ALL, obj_bits, false, 0);
}

int nset_finalise(struct cap c)
{
    return nset_teardown(cap_ptr(c), set_entries(c));
}

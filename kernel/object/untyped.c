/*
 * Untyped_Retype: carving objects out of untyped memory with seL4's watermark rule. The
 * watermark (bytes used from the start of the region) only moves up; when the untyped
 * has no children left (every object made from it deleted, typically by Revoke) the next
 * Retype starts from the bottom again.
 */
#include <object/untyped.h>
#include <object/cnode.h>
#include <object/tcb.h>
#include <api/invocation.h>
#include <arch/objects.h>
#include <hooks.h>
#include <kstring.h>
#include <sel4/invocation.h>

int object_size_bits(word_t type, word_t user_bits, int *err)
{
    if (type >= seL4_ObjectTypeCount || (type == seL4_NotificationSetObject && !NSET_PATCHED)) {
        *err = seL4_InvalidArgument;
        return -1;
    }
    unsigned bits = seL4_ObjectSizeBits(type, user_bits);
    *err = bits ? seL4_NoError : seL4_RangeError;
    return bits ? (int)bits : -1;
}

struct cap object_create(seL4_ObjectType type, void *obj, unsigned user_bits, bool device)
{
    switch (type) {
    case seL4_UntypedObject:
        return cap_make(CAP_UNTYPED, obj, CAP_RIGHTS_ALL, user_bits, device, 0);
    case seL4_TCBObject:
        tcb_init(obj);
        return cap_make(CAP_TCB, obj, CAP_RIGHTS_ALL, 0, false, 0);
    case seL4_EndpointObject:
        return cap_make(CAP_ENDPOINT, obj, CAP_RIGHTS_ALL, 0, false, 0);
    case seL4_NotificationObject:
        return cap_make(CAP_NOTIFICATION, obj, CAP_RIGHTS_ALL, 0, false, 0);
    case seL4_CapTableObject:
        return cap_make(CAP_CNODE, obj, CAP_RIGHTS_ALL, user_bits, false, 0);
    case seL4_NotificationSetObject:
        return nset_create(obj, user_bits + seL4_NotificationSetEntryBits);
    default:
        return arch_object_create(type, obj, device);
    }
}

int untyped_decode(struct invocation *inv)
{
    if (inv->label != UntypedRetype)
        return seL4_IllegalOperation;
    if (inv->length < 6 || inv->extra_caps < 1)
        return seL4_TruncatedMessage;
    word_t type = inv_mr(inv, 0), user_bits = inv_mr(inv, 1);
    word_t node_index = inv_mr(inv, 2), node_depth = inv_mr(inv, 3);
    word_t offset = inv_mr(inv, 4), count = inv_mr(inv, 5);
    struct cap ut = inv->cap;
    int err;

    int obj_bits = object_size_bits(type, user_bits, &err);
    if (err)
        return err;
    if (obj_bits > (int)seL4_MaxUntypedBits)
        return seL4_RangeError;
    /* Device memory holds only frames and untyped (the kernel never writes it). */
    if (ut.flag && type != seL4_UntypedObject && type != seL4_ARM_SmallPageObject &&
        type != seL4_ARM_LargePageObject)
        return seL4_InvalidArgument;
    if (count < 1 || count > seL4_RetypeFanOutLimit)
        return seL4_RangeError;

    /* Destination: a CNode named by (root, node_index, node_depth); depth 0 is the root. */
    struct cap root = inv->extra[0]->cap, dest_cnode;
    if (node_depth == 0) {
        dest_cnode = root;
    } else {
        struct cte *node_slot;
        err = cnode_lookup_op_slot(root, node_index, node_depth, &node_slot);
        if (err)
            return seL4_FailedLookup;
        dest_cnode = node_slot->cap;
    }
    if (dest_cnode.type != CAP_CNODE)
        return seL4_FailedLookup;
    word_t slots = BIT(dest_cnode.size_bits);
    if (offset >= slots || count > slots - offset)
        return seL4_RangeError;
    struct cte *dest = (struct cte *)cap_ptr(dest_cnode) + offset;
    for (word_t i = 0; i < count; i++) {
        if (dest[i].cap.type != CAP_NULL)
            return seL4_DeleteFirst;
    }

    /* Placement: above the watermark, or from the bottom if nothing is left of earlier
     * retypes. */
    word_t watermark = mdb_has_children(inv->slot) ? ut.data : 0;
    word_t base = (word_t)(uintptr_t)cap_ptr(ut);
    word_t start = ALIGN_UP(base + watermark, BIT(obj_bits));
    word_t need = count << obj_bits;
    if (obj_bits >= (int)ut.size_bits + 1 || start - base > BIT(ut.size_bits) ||
        need > BIT(ut.size_bits) - (start - base))
        return seL4_NotEnoughMemory;

    /* Invoke: nothing below can fail. */
    inv->slot->cap.data = start - base + need;
    for (word_t i = 0; i < count; i++) {
        void *obj = (void *)(uintptr_t)(start + (i << obj_bits));
        if (!ut.flag)
            memset(obj, 0, BIT(obj_bits));
        struct cap c = object_create((seL4_ObjectType)type, obj, (unsigned)user_bits, ut.flag);
        cte_insert_new(c, inv->slot, &dest[i]);
    }
    return seL4_NoError;
}

/*
 * The kernel backend: one notification-set object (kernel-patch/, docs/notification-set.md)
 * per set. Tokens are the object's entry numbers, so every operation is one invocation:
 *
 *   add      seL4_NotificationSet_Add(set, ntfn, token)
 *   remove   seL4_NotificationSet_Remove(set, token): the notification keeps its word
 *   wait     seL4_NotificationSet_Wait / _Poll(set, max, events)
 *
 * Owned members (ns_add_owned) get a notification of their own (ns_owned_make); removing
 * one reports the word it still held, since nobody else can see that notification.
 */
#include <rt/rt.h>
#include "backend.h"

struct kernel_set {
    struct rt_object set;
    size_t ntokens;
    struct ns_owned *owned; /* per token; ntfn.cap 0 for members the caller owns */
};

/* Smallest size_bits whose set holds n members. */
static unsigned set_bits(size_t n)
{
    unsigned k = seL4_NotificationSetMinBits;
    while (seL4_NotificationSetCapacity(k) < n)
        k++;
    return k;
}

/* One set object with room for every token (size_bits from the count), and the owned
 * members' table. A kernel without the patch refuses the object type. */
static int kernel_create(const struct ns_config *cfg, size_t ntokens, void **state)
{
    (void)cfg;
    unsigned k = set_bits(ntokens);
    if (k > seL4_NotificationSetMaxBits)
        return -seL4_InvalidArgument;
    struct kernel_set *ks = ns_mem_alloc(sizeof(*ks) + ntokens * sizeof(struct ns_owned));
    if (!ks)
        return -seL4_NotEnoughMemory;
    ks->ntokens = ntokens;
    ks->owned = (struct ns_owned *)(ks + 1);
    seL4_Error err = rt_object_alloc_sized(seL4_NotificationSetObject, k,
                                           k + seL4_NotificationSetEntryBits, &ks->set);
    if (err != seL4_NoError) {
        ns_mem_free(ks);
        /* A kernel without the patch refuses the type. */
        return err == seL4_InvalidArgument ? -seL4_IllegalOperation : ns_err(err);
    }
    *state = ks;
    return 0;
}

/* seL4_NotificationSet_Add, whose errors are the API's; an owned member first gets its
 * notification and the caller its cap (both undone if the Add fails). */
static int kernel_add(void *state, seL4_CPtr cap, seL4_Word token, bool owned)
{
    struct kernel_set *ks = state;
    struct ns_owned *o = &ks->owned[token];
    if (owned) {
        int err = ns_owned_make(o, cap);
        if (err)
            return err;
        cap = o->ntfn.cap;
    }
    seL4_Error err = seL4_NotificationSet_Add(ks->set.cap, cap, token);
    if (err != seL4_NoError && owned)
        ns_owned_release(o);
    return ns_err(err);
}

/* seL4_NotificationSet_Remove leaves the word in the notification; an owned member's
 * notification is the library's, so its word becomes the pending event. */
static int kernel_remove(void *state, seL4_Word token, struct ns_fired *pending, bool *has_pending)
{
    struct kernel_set *ks = state;
    seL4_Error err = seL4_NotificationSet_Remove(ks->set.cap, token);
    /* FailedLookup: the member's notification was deleted (its last cap), which removed it
     * from the set already; the front end still counts it, so this is the removal. */
    if (err != seL4_NoError && err != seL4_FailedLookup)
        return ns_err(err);
    seL4_Word word = ns_owned_release(&ks->owned[token]);
    if (word) {
        pending->token = token;
        pending->badge = word;
        *has_pending = true;
    }
    return 0;
}

/* The pairs come back in the kernel's order, one per member. */
static int kernel_wait(void *state, struct ns_fired *fired, size_t max, bool block)
{
    struct kernel_set *ks = state;
    seL4_NotificationSetEvent ev[NS_MAX_EVENTS];
    int n = block ? seL4_NotificationSet_Wait(ks->set.cap, max, ev)
                  : seL4_NotificationSet_Poll(ks->set.cap, max, ev);
    for (int i = 0; i < n; i++) {
        fired[i].token = ev[i].token;
        fired[i].badge = ev[i].word;
    }
    return n;
}

/* Deleting the set detaches every member (incrementally, in the kernel); owned members'
 * notifications go after it. */
static void kernel_destroy(void *state)
{
    struct kernel_set *ks = state;
    rt_object_free(&ks->set);
    for (size_t t = 0; t < ks->ntokens; t++)
        ns_owned_release(&ks->owned[t]);
    ns_mem_free(ks);
}

const struct ns_backend_ops ns_backend_kernel = {
    .name = "kernel",
    .create = kernel_create,
    .add = kernel_add,
    .remove = kernel_remove,
    .wait = kernel_wait,
    .destroy = kernel_destroy,
};

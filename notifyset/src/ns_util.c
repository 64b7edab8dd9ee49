/*
 * Helpers shared by libnotifyset's front end and backends (see backend.h): a blocking
 * mutex built on a notification, the lock around the runtime's allocators, table memory
 * from untyped frames, and owned members' notifications.
 */
#include <rt/rt.h>
#include "backend.h"

/*
 * The benaphore. `count` is the number of threads that hold or want the lock. A thread that
 * raises it from 0 owns the lock at once; any other waits on the notification. Unlock
 * lowers it; if someone else was counted, it signals, which hands the lock to exactly one
 * waiter: a notification is binary, but only the owner ever signals, and it signals once
 * per hand-over, so a signal is consumed before the next one can be sent (the next owner
 * must consume it first to become owner).
 */
void ns_mutex_lock(struct ns_mutex *m)
{
    if (__atomic_fetch_add(&m->count, 1, __ATOMIC_ACQUIRE) > 0)
        seL4_Wait(m->ntfn, NULL);
}

void ns_mutex_unlock(struct ns_mutex *m)
{
    if (__atomic_fetch_sub(&m->count, 1, __ATOMIC_RELEASE) > 1)
        seL4_Signal(m->ntfn);
}

static struct ns_mutex rt_mutex;
static struct rt_object rt_mutex_ntfn;

int ns_rt_lock_init(void)
{
    if (rt_mutex.ntfn)
        return 0;
    seL4_Error err = rt_object_alloc(seL4_NotificationObject, 0, &rt_mutex_ntfn);
    if (err != seL4_NoError)
        return ns_err(err);
    rt_mutex.ntfn = rt_mutex_ntfn.cap;
    return 0;
}

void ns_rt_lock(void)
{
    ns_mutex_lock(&rt_mutex);
}

void ns_rt_unlock(void)
{
    ns_mutex_unlock(&rt_mutex);
}

/* Table memory: whole zeroed pages of the root task's VSpace. */
void *ns_mem_alloc(size_t size)
{
    struct rt_map_request req = {
        .size = size,
        .page_bits = seL4_PageBits,
        .rights = seL4_ReadWrite,
        .attr = seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever,
    };
    seL4_Word addr = 0;
    if (size == 0 || rt_vspace_map_new(rt_vspace_self(), &req, &addr) != seL4_NoError)
        return NULL;
    return (void *)addr;
}

void ns_mem_free(void *p)
{
    if (p)
        rt_vspace_unmap(rt_vspace_self(), (seL4_Word)p);
}

/*
 * An owned member: a notification of its own, and in the caller's slot a write-only cap
 * badged NS_OWNED_BADGE, minted from the original (so it is a child of it: freeing the
 * object's block revokes the caller's cap and every copy made of it).
 */
int ns_owned_make(struct ns_owned *o, seL4_CPtr slot)
{
    seL4_Error err = rt_object_alloc(seL4_NotificationObject, 0, &o->ntfn);
    if (err != seL4_NoError)
        return ns_err(err);
    err = seL4_CNode_Mint(rt_cspace_root(), slot, RT_CSPACE_DEPTH, rt_cspace_root(), o->ntfn.cap,
                          RT_CSPACE_DEPTH, seL4_CanWrite, NS_OWNED_BADGE);
    if (err != seL4_NoError) {
        rt_object_free(&o->ntfn);
        o->ntfn.cap = 0;
        return ns_err(err);
    }
    return 0;
}

seL4_Word ns_owned_release(struct ns_owned *o)
{
    seL4_Word word = 0;
    if (!o->ntfn.cap)
        return 0;
    seL4_Poll(o->ntfn.cap, &word);
    rt_object_free(&o->ntfn);
    o->ntfn.cap = 0;
    return word;
}

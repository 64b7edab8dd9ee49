/*
 * Backend adapters of the head-to-head benchmark: the kernel's notification-set object
 * (kernel-set), the baselines (plain-ntfn, ntfn-badge, poll-loop) and, through
 * libnotifyset, each user-level fallback variant.
 */
#include <stdlib.h>
#include <string.h>
#include "h2h.h"
#include <rt/cspace.h>

#define BATCH 4096

int h2h_make_notifications(struct h2h_set *s, size_t n)
{
    s->nbatches = (n + BATCH - 1) / BATCH;
    s->batches = calloc(s->nbatches, sizeof(*s->batches));
    s->copies = calloc(s->nbatches, sizeof(*s->copies));
    s->watch_caps = calloc(n, sizeof(*s->watch_caps));
    s->signal_caps = calloc(n, sizeof(*s->signal_caps));
    if (!s->batches || !s->copies || !s->watch_caps || !s->signal_caps)
        return -seL4_NotEnoughMemory;
    for (size_t b = 0; b < s->nbatches; b++) {
        size_t count = n - b * BATCH < BATCH ? n - b * BATCH : BATCH;
        int err = rt_object_alloc_batch(seL4_NotificationObject, 0, count, &s->batches[b]);
        if (!err)
            err = rt_cspace_alloc_range(count, &s->copies[b]);
        if (err)
            return -err;
        for (size_t i = 0; i < count; i++) {
            size_t m = b * BATCH + i;
            s->watch_caps[m] = s->batches[b].first + i;
            s->signal_caps[m] = s->copies[b].first + i;
            err = seL4_CNode_Mint(seL4_CapInitThreadCNode, s->signal_caps[m], 64,
                                  seL4_CapInitThreadCNode, s->watch_caps[m], 64, seL4_CanWrite,
                                  1ull << (m % 64));
            if (err)
                return -err;
        }
    }
    s->n = n;
    return 0;
}

void h2h_free_notifications(struct h2h_set *s)
{
    for (size_t b = 0; b < s->nbatches; b++) {
        /* Freeing the batch revokes its memory, deleting the badged copies too. */
        if (s->batches[b].count)
            rt_object_free_batch(&s->batches[b]);
        if (s->copies[b].count)
            rt_cspace_free_range(&s->copies[b]);
    }
    free(s->batches);
    free(s->copies);
    free(s->watch_caps);
    free(s->signal_caps);
    s->batches = NULL;
    s->copies = NULL;
    s->watch_caps = s->signal_caps = NULL;
}

/* ---- kernel-set: the notification-set object, invoked directly ---- */

static int kset_create(struct h2h_set *s)
{
    unsigned k = seL4_NotificationSetMinBits;
    while (seL4_NotificationSetCapacity(k) < s->n)
        k++;
    struct rt_object *set = malloc(sizeof(*set));
    if (!set)
        return -seL4_NotEnoughMemory;
    int err = rt_object_alloc_sized(seL4_NotificationSetObject, k,
                                    k + seL4_NotificationSetEntryBits, set);
    if (err) {
        free(set);
        return -err;
    }
    s->state = set;
    return 0;
}

static int kset_add(struct h2h_set *s, size_t i)
{
    struct rt_object *set = s->state;
    return -(int)seL4_NotificationSet_Add(set->cap, s->watch_caps[i], i);
}

static int kset_remove(struct h2h_set *s, size_t i)
{
    struct rt_object *set = s->state;
    return -(int)seL4_NotificationSet_Remove(set->cap, i);
}

static int kset_wait(struct h2h_set *s, struct h2h_event *ev, size_t max, bool block)
{
    struct rt_object *set = s->state;
    _Static_assert(sizeof(struct h2h_event) == sizeof(seL4_NotificationSetEvent), "layout");
    seL4_NotificationSetEvent *e = (seL4_NotificationSetEvent *)ev;
    /* One system call returns at most seL4_NotificationSetMaxEvents (a message): a larger
     * batch tops up with a Poll. */
    size_t first = max < seL4_NotificationSetMaxEvents ? max : seL4_NotificationSetMaxEvents;
    int n = block ? seL4_NotificationSet_Wait(set->cap, first, e)
                  : seL4_NotificationSet_Poll(set->cap, first, e);
    if (n == (int)first && max > first) {
        int more = seL4_NotificationSet_Poll(set->cap, max - first, e + first);
        if (more > 0)
            n += more;
    }
    return n;
}

static void kset_destroy(struct h2h_set *s)
{
    struct rt_object *set = s->state;
    rt_object_free(set);
    free(set);
    s->state = NULL;
}

static const struct h2h_backend kernel_set = {
    .name = "kernel-set",
    .needs_kernel_set = true,
    .can_block = true,
    .has_members = true,
    .create = kset_create,
    .add = kset_add,
    .remove = kset_remove,
    .wait = kset_wait,
    .destroy = kset_destroy,
};

/* ---- plain-ntfn: one notification, Signal -> Wait (the floor) ---- */

static int plain_create(struct h2h_set *s)
{
    (void)s;
    return 0;
}

static int plain_wait(struct h2h_set *s, struct h2h_event *ev, size_t max, bool block)
{
    (void)max;
    seL4_Word word = 0;
    if (block)
        seL4_Wait(s->watch_caps[0], &word);
    else
        seL4_Poll(s->watch_caps[0], &word);
    if (!word)
        return 0;
    ev[0].token = 0;
    ev[0].word = word;
    return 1;
}

static void nothing(struct h2h_set *s)
{
    (void)s;
}

static const struct h2h_backend plain_ntfn = {
    .name = "plain-ntfn",
    .max_n = 1,
    .can_block = true,
    .create = plain_create,
    .wait = plain_wait,
    .destroy = nothing,
};

/* ---- ntfn-badge: N <= 64 sources as badge bits of one notification ---- */

struct badge_state {
    seL4_CPtr ntfn;    /* the one notification waited on */
    seL4_Word pending; /* bits received but not yet returned */
};

static int badge_create(struct h2h_set *s)
{
    struct badge_state *st = calloc(1, sizeof(*st));
    if (!st)
        return -seL4_NotEnoughMemory;
    st->ntfn = s->watch_caps[0];
    /* Member i signals through a cap of notification 0 badged with bit i. */
    for (size_t i = 0; i < s->n; i++) {
        seL4_CPtr slot;
        int err = rt_cspace_alloc(&slot);
        if (!err)
            err = seL4_CNode_Mint(seL4_CapInitThreadCNode, slot, 64, seL4_CapInitThreadCNode,
                                  st->ntfn, 64, seL4_AllRights, 1ull << i);
        if (err)
            return -err;
        s->signal_caps[i] = slot;
    }
    s->state = st;
    return 0;
}

static int badge_wait(struct h2h_set *s, struct h2h_event *ev, size_t max, bool block)
{
    struct badge_state *st = s->state;
    if (!st->pending) {
        seL4_Word word = 0;
        if (block)
            seL4_Wait(st->ntfn, &word);
        else
            seL4_Poll(st->ntfn, &word);
        st->pending = word;
    }
    size_t n = 0;
    while (st->pending && n < max) {
        unsigned bit = (unsigned)__builtin_ctzll(st->pending);
        st->pending &= st->pending - 1;
        ev[n].token = bit;
        ev[n].word = 1ull << bit;
        n++;
    }
    return (int)n;
}

static void badge_destroy(struct h2h_set *s)
{
    struct badge_state *st = s->state;
    for (size_t i = 0; i < s->n; i++) {
        seL4_CNode_Delete(seL4_CapInitThreadCNode, s->signal_caps[i], 64);
        rt_cspace_free(s->signal_caps[i]);
    }
    /* The notifications themselves are freed through their batches. */
    free(st);
    s->state = NULL;
}

static const struct h2h_backend ntfn_badge = {
    .name = "ntfn-badge",
    .max_n = 64,
    .can_block = true,
    .create = badge_create,
    .wait = badge_wait,
    .destroy = badge_destroy,
};

/* ---- poll-loop: seL4_Poll on each of N notifications in turn (a naive select) ---- */

static int poll_wait(struct h2h_set *s, struct h2h_event *ev, size_t max, bool block)
{
    size_t n = 0;
    do {
        for (size_t i = 0; i < s->n && n < max; i++) {
            seL4_Word word = 0;
            seL4_Poll(s->watch_caps[i], &word);
            if (word) {
                ev[n].token = i;
                ev[n].word = word;
                n++;
            }
        }
    } while (block && n == 0);
    return (int)n;
}

static const struct h2h_backend poll_loop = {
    .name = "poll-loop",
    .can_block = false,
    .create = plain_create,
    .wait = poll_wait,
    .destroy = nothing,
};

const struct h2h_backend *const h2h_backends[] = {
    &kernel_set, &plain_ntfn, &ntfn_badge, &poll_loop, NULL,
};

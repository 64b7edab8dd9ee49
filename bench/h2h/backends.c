/*
 * Backend adapters of the head-to-head benchmark: the kernel's notification-set object
 * (kernel-set), the baselines (plain-ntfn, ntfn-badge, poll-loop) and, through
 * libnotifyset, each user-level fallback variant.
 */
#include <stdlib.h>
#include <string.h>
#include "h2h.h"
#include <notifyset.h>
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

/* ---- libnotifyset: the fallback variants (and its kernel backend, for its overhead) ---- */

seL4_Word h2h_waiter_prio = H2H_ROOT_PRIO;

struct lib_state {
    ns_set_t *set;
    seL4_Word *tokens;
    seL4_CPtr *owned; /* pool: the slot holding member i's signalling cap */
};

/* helpers_below: the fallback's helpers run 10 priorities below the waiter (still above
 * the signalling root task in wake and irq) instead of the library's default, one above. */
static int lib_create(struct h2h_set *s, ns_backend_t backend, ns_fallback_variant_t variant,
                      bool helpers_below)
{
    struct lib_state *st = calloc(1, sizeof(*st));
    if (!st)
        return -seL4_NotEnoughMemory;
    st->tokens = calloc(s->n, sizeof(*st->tokens));
    st->owned = calloc(s->n, sizeof(*st->owned));
    struct ns_config cfg = {.backend = backend,
                            .capacity = s->n,
                            .variant = variant,
                            .waiter_priority = h2h_waiter_prio,
                            .helper_priority = helpers_below ? h2h_waiter_prio - 10 : 0};
    int err = st->tokens && st->owned ? ns_set_create(&st->set, &cfg) : -seL4_NotEnoughMemory;
    if (err) {
        free(st->tokens);
        free(st->owned);
        free(st);
        return err;
    }
    s->state = st;
    return 0;
}

static int lib_add(struct h2h_set *s, size_t i)
{
    struct lib_state *st = s->state;
    void *user = (void *)(uintptr_t)i;
    if (ns_set_variant(st->set) != NS_FALLBACK_POOL ||
        ns_set_backend(st->set) != NS_BACKEND_FALLBACK)
        return ns_add(st->set, s->watch_caps[i], user, &st->tokens[i]);
    /* The pool watches notifications it owns; member i is signalled through its cap. */
    int err = rt_cspace_alloc(&st->owned[i]);
    if (err)
        return -err;
    err = ns_add_owned(st->set, st->owned[i], user, &st->tokens[i]);
    if (err) {
        rt_cspace_free(st->owned[i]);
        st->owned[i] = 0;
        return err;
    }
    s->signal_caps[i] = st->owned[i];
    return 0;
}

static void release_owned(struct lib_state *st, size_t i)
{
    if (st->owned[i]) {
        rt_cspace_free(st->owned[i]);
        st->owned[i] = 0;
    }
}

static int lib_remove(struct h2h_set *s, size_t i)
{
    struct lib_state *st = s->state;
    int err = ns_remove(st->set, st->tokens[i]);
    release_owned(st, i);
    return err;
}

static int lib_wait(struct h2h_set *s, struct h2h_event *ev, size_t max, bool block)
{
    struct lib_state *st = s->state;
    struct ns_event e[H2H_MAX_BATCH];
    if (max > H2H_MAX_BATCH)
        max = H2H_MAX_BATCH;
    size_t first = max < NS_MAX_EVENTS ? max : NS_MAX_EVENTS;
    int n = block ? ns_wait(st->set, e, first) : ns_poll(st->set, e, first);
    if (n == (int)first && max > first) {
        int more = ns_poll(st->set, e + first, max - first);
        if (more > 0)
            n += more;
    }
    for (int k = 0; k < n; k++) {
        ev[k].token = (seL4_Word)(uintptr_t)e[k].user;
        ev[k].word = e[k].badge;
    }
    return n;
}

static void lib_destroy(struct h2h_set *s)
{
    struct lib_state *st = s->state;
    ns_set_destroy(st->set);
    for (size_t i = 0; i < s->n; i++)
        release_owned(st, i);
    free(st->tokens);
    free(st->owned);
    free(st);
    s->state = NULL;
}

#define LIB_BACKEND(id, label, be, variant, below, sets)                                           \
    static int id##_create(struct h2h_set *s)                                                      \
    {                                                                                              \
        return lib_create(s, be, variant, below);                                                  \
    }                                                                                              \
    static const struct h2h_backend id = {                                                         \
        .name = label,                                                                             \
        .needs_kernel_set = sets,                                                                  \
        .can_block = true,                                                                         \
        .has_members = true,                                                                       \
        .create = id##_create,                                                                     \
        .add = lib_add,                                                                            \
        .remove = lib_remove,                                                                      \
        .wait = lib_wait,                                                                          \
        .destroy = lib_destroy,                                                                    \
    }

LIB_BACKEND(fallback_send, "fallback-send", NS_BACKEND_FALLBACK, NS_FALLBACK_SEND, false, false);
LIB_BACKEND(fallback_call, "fallback-call", NS_BACKEND_FALLBACK, NS_FALLBACK_CALL, false, false);
LIB_BACKEND(fallback_pool, "fallback-pool", NS_BACKEND_FALLBACK, NS_FALLBACK_POOL, false, false);
LIB_BACKEND(fallback_send_low, "fallback-send-low", NS_BACKEND_FALLBACK, NS_FALLBACK_SEND, true,
            false);
LIB_BACKEND(fallback_call_low, "fallback-call-low", NS_BACKEND_FALLBACK, NS_FALLBACK_CALL, true,
            false);
LIB_BACKEND(lib_kernel, "libnotifyset-kernel", NS_BACKEND_KERNEL, NS_FALLBACK_DEFAULT, false, true);

const struct h2h_backend *const h2h_backends[] = {
    &kernel_set,        &lib_kernel,    &fallback_send,
    &fallback_call,     &fallback_pool, &fallback_send_low,
    &fallback_call_low, &plain_ntfn,    &ntfn_badge,
    &poll_loop,         NULL,
};

/* Helpers for the libnotifyset test suite (see ns_test.h). */
#include <stdio.h>
#include "ns_test.h"

ns_set_t *nst_set(size_t capacity, seL4_Word helper_prio)
{
    struct ns_config cfg = {
        .backend = ns_test_config.backend,
        .capacity = capacity,
        .variant = ns_test_config.variant,
        .helper_priority = helper_prio,
        .waiter_priority = NS_TEST_PRIO,
    };
    ns_set_t *set = NULL;
    int err = ns_set_create(&set, &cfg);
    if (err) {
        printf("# ns_set_create(capacity %lu): %d\n", (unsigned long)capacity, err);
        CHECK(false, "a set is created");
        return NULL;
    }
    return set;
}

bool nst_is_kernel(const ns_set_t *set)
{
    return ns_set_backend(set) == NS_BACKEND_KERNEL;
}

int nst_members_make(struct nst_member *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        m[i] = (struct nst_member){0};
        if (ns_test_config.owned)
            continue;
        seL4_Error err = rt_object_alloc(seL4_NotificationObject, 0, &m[i].obj);
        seL4_CPtr sig = 0;
        if (err == seL4_NoError)
            err = rt_cspace_alloc(&sig);
        if (err == seL4_NoError)
            err = seL4_CNode_Mint(rt_cspace_root(), sig, RT_CSPACE_DEPTH, rt_cspace_root(),
                                  m[i].obj.cap, RT_CSPACE_DEPTH, seL4_CanWrite, 1);
        if (err != seL4_NoError)
            return -(int)err;
        m[i].ntfn = m[i].obj.cap;
        m[i].sig = sig;
    }
    return 0;
}

void nst_members_free(struct nst_member *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (m[i].obj.cap) {
            rt_object_free(&m[i].obj); /* revokes the badged copies too */
            rt_cspace_free(m[i].sig);
        }
        m[i] = (struct nst_member){0};
    }
}

int nst_add(ns_set_t *set, struct nst_member *m, void *user)
{
    int err;
    if (ns_test_config.owned) {
        seL4_CPtr slot;
        if (rt_cspace_alloc(&slot) != seL4_NoError)
            return -seL4_NotEnoughMemory;
        err = ns_add_owned(set, slot, user, &m->token);
        if (err) {
            rt_cspace_free(slot);
            return err;
        }
        m->sig = slot;
    } else {
        err = ns_add(set, m->ntfn, user, &m->token);
    }
    m->in_set = err == 0;
    return err;
}

int nst_remove(ns_set_t *set, struct nst_member *m)
{
    int err = ns_remove(set, m->token);
    if (err)
        return err;
    m->in_set = false;
    if (ns_test_config.owned) {
        rt_cspace_free(m->sig); /* the library revoked the cap in it */
        m->sig = 0;
    }
    return 0;
}

seL4_Word nst_word(const struct nst_member *m)
{
    seL4_Word w = 0;
    if (m->ntfn)
        seL4_Poll(m->ntfn, &w);
    return w;
}

seL4_CPtr nst_badged(const struct nst_member *m, seL4_Word badge)
{
    seL4_CPtr slot = 0;
    if (!m->ntfn || rt_cspace_alloc(&slot) != seL4_NoError)
        return 0;
    if (seL4_CNode_Mint(rt_cspace_root(), slot, RT_CSPACE_DEPTH, rt_cspace_root(), m->ntfn,
                        RT_CSPACE_DEPTH, seL4_CanWrite, badge) != seL4_NoError) {
        rt_cspace_free(slot);
        return 0;
    }
    return slot;
}

int nst_drain(ns_set_t *set, size_t max, struct ns_event *out, size_t cap)
{
    struct ns_event ev[NS_MAX_EVENTS];
    size_t got = 0;
    for (;;) {
        int n = ns_poll(set, ev, max);
        if (n < 0)
            return n;
        if (n == 0)
            return (int)got;
        for (int i = 0; i < n; i++) {
            if (got < cap)
                out[got] = ev[i];
            got++;
        }
    }
}

int nst_wait_for(ns_set_t *set, size_t max, struct ns_event *out, size_t want)
{
    size_t got = 0;
    while (got < want) {
        size_t room = want - got < max ? want - got : max;
        int n = ns_wait(set, out + got, room);
        if (n < 0)
            return n;
        got += (size_t)n;
    }
    return (int)got;
}

seL4_Error nst_thread(struct rt_thread *t, seL4_Word prio, void *(*fn)(void *), void *arg)
{
    struct rt_thread_config cfg = {.priority = prio, .stack_size = 0x4000, .name = "nst"};
    return rt_thread_create(t, fn, arg, &cfg);
}

/* ---- Watchdog ---- */

static volatile seL4_Word progress;
static const char *volatile stage = "start";
static struct rt_thread watchdog;

static void put(const char *s)
{
    while (*s)
        seL4_DebugPutChar(*s++);
}

/* Runs only when every other thread is blocked. Time spent here without a break (no other
 * thread ran between two turns of the loop: no gap of 100 ms) and without progress is time in which
 * nothing could run: a hang. No printf (the libc lock may be held by a thread that will never run
 * again). */
static void *watchdog_main(void *arg)
{
    (void)arg;
    seL4_Word seen = progress, since = nst_now(), last = since;
    for (;;) {
        seL4_Word t = nst_now();
        if (progress != seen || t - last > nst_freq() / 10) {
            seen = progress;
            since = t;
        } else if (t - since > nst_freq() * NS_TEST_HANG_SECONDS) {
            put("FAIL - watchdog: nothing ran for seconds, hung in stage: ");
            put(stage);
            put("\n");
            seL4_DebugShutdown(1);
        }
        last = t;
        seL4_Yield();
    }
    return NULL;
}

void nst_watchdog_start(void)
{
    struct rt_thread_config cfg = {.priority = 1, .stack_size = 0x4000, .name = "watchdog"};
    rt_thread_create(&watchdog, watchdog_main, NULL, &cfg);
}

void nst_progress(const char *what)
{
    stage = what;
    progress++;
}

/*
 * Part of the libnotifyset suite (test_notifyset.c): sets used by several threads.
 *   add/remove while a thread waits (including removal of a member whose event the waiter
 *   already holds, and of one whose helper holds it); many waiters on one set; no lost or
 *   invented signal under stress from signallers below, at and above the waiter's
 *   priority while another thread adds and removes members.
 * Test threads never print or allocate (ns_test.h); the main thread checks afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include "ns_test.h"

static int tags[128];
static int stop_tag;

/* ---- A waiter thread that logs what it receives ---- */

struct waiter {
    ns_set_t *set;
    size_t max;
    struct rt_object progress; /* signalled after each batch */
    volatile seL4_Word count;
    volatile int error;
    struct ns_event log[256];
    struct rt_thread thread;
};

static void *waiter_main(void *arg)
{
    struct waiter *w = arg;
    struct ns_event ev[NS_MAX_EVENTS];
    for (;;) {
        int n = ns_wait(w->set, ev, w->max);
        if (n <= 0) {
            w->error = n < 0 ? n : -1;
            return NULL;
        }
        bool stop = false;
        for (int i = 0; i < n; i++) {
            if (ev[i].user == &stop_tag)
                stop = true;
            else if (w->count < 256)
                w->log[w->count++] = ev[i];
        }
        seL4_Signal(w->progress.cap);
        if (stop)
            return NULL;
    }
}

static bool waiter_start(struct waiter *w, ns_set_t *set, size_t max)
{
    w->set = set;
    w->max = max;
    w->count = 0;
    w->error = 0;
    if (rt_object_alloc(seL4_NotificationObject, 0, &w->progress) != seL4_NoError ||
        nst_thread(&w->thread, NS_TEST_PRIO, waiter_main, w) != seL4_NoError)
        return false;
    seL4_Yield(); /* let it block in ns_wait */
    return true;
}

/* Blocks until w has logged `count` events (or failed). */
static void waiter_until(struct waiter *w, seL4_Word count)
{
    while (w->count < count && !w->error && !rt_thread_finished(&w->thread))
        seL4_Wait(w->progress.cap, NULL);
}

static void waiter_free(struct waiter *w)
{
    rt_thread_destroy(&w->thread);
    rt_object_free(&w->progress);
}

/* Stops w through a member whose events mean "stop". */
static void waiter_stop(struct waiter *w, ns_set_t *set, struct nst_member *stop)
{
    nst_add(set, stop, &stop_tag);
    nst_signal(stop);
    rt_thread_join(&w->thread);
    nst_remove(set, stop);
}

/* After member `gone` (user pointer gone_user, token old) was signalled and removed, when
 * the waiter had logged `from` events: signals `next` and waits for its event; an event of `gone`
 * handed to the waiter earlier is logged by then. Checks that gone's signal came out exactly once:
 * logged with its pointer and old token, or left in its notification. */
static void check_once(struct waiter *w, seL4_Word from, struct nst_member *gone, void *gone_user,
                       seL4_Word old, struct nst_member *next, const char *what)
{
    bool seen_next = false;
    nst_signal(next);
    for (;;) {
        for (seL4_Word i = from; i < w->count; i++)
            seen_next = seen_next || w->log[i].token == next->token;
        if (seen_next || w->error)
            break;
        waiter_until(w, w->count + 1);
    }
    unsigned reported = 0;
    for (seL4_Word i = from; i < w->count; i++)
        reported += w->log[i].token == old && w->log[i].user == gone_user;
    seL4_Word word = nst_word(gone);
    printf("# signal outstanding at removal (%s): %u reported, word %lu\n", what, reported,
           (unsigned long)word);
    CHECK(reported + (word != 0) == 1,
          "a signal outstanding at removal comes out once: reported, or left in the word");
}

static void test_add_remove_while_waiting(seL4_Word helper_prio, const char *label)
{
    enum { M = 5 };
    struct nst_member m[M];
    struct waiter *w = calloc(1, sizeof(*w));
    ns_set_t *set = nst_set(4, helper_prio);
    if (!w || !set || nst_members_make(m, M) || !waiter_start(w, set, 4))
        return;
    printf("# add/remove while waiting, %s\n", label);
    CHECK_EQ(nst_add(set, &m[0], &tags[0]), 0, "a member added while a thread waits");
    nst_signal(&m[0]);
    waiter_until(w, 1);
    CHECK(w->count == 1 && w->log[0].user == &tags[0], "the waiter reports its signal");

    CHECK_EQ(nst_remove(set, &m[0]), 0, "removed while the thread waits");
    if (!ns_test_config.owned)
        nst_signal(&m[0]);
    nst_add(set, &m[1], &tags[1]);
    nst_signal(&m[1]);
    waiter_until(w, 2);
    CHECK(w->count == 2 && w->log[1].user == &tags[1],
          "a removed member's later signal is not reported; a new member's is");
    if (!ns_test_config.owned)
        CHECK_EQ(nst_word(&m[0]), 1, "the removed member's signal stays in its notification");

    /* Signal, then remove at once. With helpers above (or the kernel object) the blocked
     * waiter is handed the event and has not run yet when its member is removed (at equal
     * priority the signaller goes on first); with helpers below, the helper took the word,
     * or it is still in the notification. Either way it must come out once. */
    seL4_Word old = m[1].token, from = w->count;
    nst_signal(&m[1]);
    nst_remove(set, &m[1]);
    nst_add(set, &m[2], &tags[2]);
    CHECK(m[2].token != old, "a token is not reused while a wait that began before its "
                             "removal is in progress");
    check_once(w, from, &m[1], &tags[1], old, &m[2], "the first time");
    old = m[2].token;
    from = w->count;
    nst_signal(&m[2]);
    nst_remove(set, &m[2]);
    nst_add(set, &m[1], &tags[1]);
    check_once(w, from, &m[2], &tags[2], old, &m[1], "again");

    bool ok = true;
    for (int i = 0; i < 40 && ok; i++) {
        seL4_Word before = w->count;
        ok = nst_add(set, &m[3], &tags[3]) == 0;
        nst_signal(&m[3]);
        waiter_until(w, before + 1);
        ok = ok && w->count == before + 1 && w->log[w->count - 1].user == &tags[3];
        ok = ok && nst_remove(set, &m[3]) == 0;
    }
    CHECK(ok, "40 rounds of add, signal, report, remove while the thread waits");
    /* Without signals the waiter never returns on its own, so removed tokens stay held back
     * for it; once the spare tokens are used up, ns_add wakes it and waits for them. */
    seL4_Word before = w->count;
    for (int i = 0; i < 20 && ok; i++)
        ok = nst_add(set, &m[3], &tags[3]) == 0 && nst_remove(set, &m[3]) == 0;
    CHECK(ok && w->count == before,
          "20 rounds of add and remove with no signal while the thread waits (tokens recycled "
          "through the waiter's wake-ups, no event reported)");
    waiter_stop(w, set, &m[4]);
    CHECK_EQ(w->error, 0, "the waiter saw no error");
    waiter_free(w);
    ns_set_destroy(set);
    nst_members_free(m, M);
    free(w);
}

/* Several threads wait on one set: every event goes to exactly one of them. */
static void test_many_waiters(void)
{
    nst_progress("many waiters");
    enum { W = 4, M = 64 };
    static struct waiter w[W];
    static struct nst_member m[M + W];
    ns_set_t *set = nst_set(M + W, 0);
    if (!set || nst_members_make(m, M + W))
        return;
    for (unsigned i = 0; i < M; i++)
        nst_add(set, &m[i], &tags[i]);
    bool ok = true;
    for (unsigned i = 0; i < W; i++)
        ok = waiter_start(&w[i], set, 4) && ok;
    CHECK(ok, "4 threads wait on one set");
    for (unsigned i = 0; i < M; i++)
        nst_signal(&m[i]);
    int seen[M] = {0}, busy = 0, total = 0;
    while (total < M) {
        seL4_Yield(); /* the waiters share this priority */
        total = 0;
        for (unsigned i = 0; i < W; i++)
            total += (int)w[i].count;
    }
    for (unsigned i = 0; i < W; i++) {
        busy += w[i].count > 0;
        for (seL4_Word j = 0; j < w[i].count; j++) {
            int *tag = w[i].log[j].user;
            if (tag >= tags && tag < tags + M)
                seen[tag - tags]++;
        }
    }
    bool once = total == M;
    for (unsigned i = 0; i < M; i++)
        once = once && seen[i] == 1;
    CHECK(once, "64 signals: each reported exactly once, to one of the waiters");
    CHECK(busy > 1, "the waiters shared the work (no one thread took everything)");
    /* One stop event at a time, each to whichever waiter takes it. */
    for (unsigned i = 0; i < W; i++) {
        nst_add(set, &m[M + i], &stop_tag);
        nst_signal(&m[M + i]);
        for (unsigned done = 0; done <= i;) {
            seL4_Yield();
            done = 0;
            for (unsigned j = 0; j < W; j++)
                done += rt_thread_finished(&w[j].thread);
        }
    }
    for (unsigned i = 0; i < W; i++) {
        ok = ok && w[i].error == 0;
        waiter_free(&w[i]);
    }
    CHECK(ok, "each waiter stopped cleanly");
    ns_set_destroy(set);
    nst_members_free(m, M + W);
}

void nst_thread_tests(void)
{
    nst_progress("add/remove while waiting");
    test_add_remove_while_waiting(0, "helpers above the waiter");
    test_add_remove_while_waiting(NS_TEST_PRIO - 10, "helpers below the waiter");
    test_many_waiters();
    nst_stress_test();
}

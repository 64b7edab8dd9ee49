/*
 * Part of the libnotifyset suite (test_notifyset.c): no lost and no invented signal under
 * stress.
 *
 * Three signaller threads, below, at and above the waiter's priority, each own 32 members.
 * A signaller signals a member only when its previous signal has been reported (the
 * member's `outstanding` flag, set by the signaller, cleared by the waiter), so no two
 * signals can coalesce and every signal must produce exactly one event: the waiter checks
 * each event against the flag (an event with no signal outstanding is invented) and the
 * totals at the end (a lost signal leaves a flag set, and the run would hang in ns_wait
 * until the watchdog ends it). Meanwhile a churn thread adds a member, signals it and
 * removes it, over and over: each of those signals must come out exactly once, as an
 * event or in the notification's word.
 */
#include <stdio.h>
#include "ns_test.h"

#define SIGNALLERS 3
#define PER        32
#define ROUNDS     25
#define CHURN      60

struct signaller {
    unsigned id;
    struct rt_object wake; /* the waiter signals it after clearing one of its members */
    struct rt_thread thread;
};

static struct nst_member members[SIGNALLERS * PER], churn_member, done_member;
static volatile int outstanding[SIGNALLERS * PER];
static struct signaller sig[SIGNALLERS];
static int churn_tag, done_tag;
static volatile seL4_Word churn_reported, churn_left, churn_done, churn_errors;
static ns_set_t *stress_set;

static void *signaller_main(void *arg)
{
    struct signaller *s = arg;
    unsigned base = s->id * PER;
    for (unsigned sent = 0; sent < PER * ROUNDS;) {
        bool any = false;
        for (unsigned i = 0; i < PER && sent < PER * ROUNDS; i++) {
            if (__atomic_load_n(&outstanding[base + i], __ATOMIC_ACQUIRE))
                continue;
            __atomic_store_n(&outstanding[base + i], 1, __ATOMIC_RELEASE);
            nst_signal(&members[base + i]);
            sent++;
            any = true;
        }
        if (!any)
            seL4_Wait(s->wake.cap, NULL);
    }
    return NULL;
}

static void *churn_main(void *arg)
{
    (void)arg;
    for (unsigned i = 0; i < CHURN; i++) {
        if (nst_add(stress_set, &churn_member, &churn_tag)) {
            churn_errors++;
            continue;
        }
        nst_signal(&churn_member);
        if (i % 3 == 0)
            seL4_Yield();
        if (nst_remove(stress_set, &churn_member))
            churn_errors++;
        if (nst_word(&churn_member))
            churn_left++;
    }
    churn_done = 1;
    nst_signal(&done_member); /* the waiter may be blocked with nothing else to come */
    return NULL;
}

/* The waiter's side: check and clear, wake the member's signaller. */
static bool take(const struct ns_event *e, seL4_Word *events)
{
    if (e->user == &churn_tag) {
        churn_reported++;
        return true;
    }
    if (e->user == &done_tag)
        return true;
    struct nst_member *m = e->user;
    if (m < members || m >= members + SIGNALLERS * PER || e->badge != 1)
        return false;
    unsigned i = (unsigned)(m - members);
    if (!__atomic_exchange_n(&outstanding[i], 0, __ATOMIC_ACQ_REL))
        return false;
    (*events)++;
    seL4_Signal(sig[i / PER].wake.cap);
    return true;
}

void nst_stress_test(void)
{
    nst_progress("stress");
    static const seL4_Word prio[SIGNALLERS] = {NS_TEST_PRIO - 50, NS_TEST_PRIO, NS_TEST_PRIO + 50};
    const seL4_Word want = SIGNALLERS * PER * ROUNDS;
    stress_set = nst_set(SIGNALLERS * PER + 2, 0);
    if (!stress_set || nst_members_make(members, SIGNALLERS * PER) ||
        nst_members_make(&churn_member, 1) || nst_members_make(&done_member, 1))
        return;
    bool ok = nst_add(stress_set, &done_member, &done_tag) == 0;
    for (unsigned i = 0; i < SIGNALLERS * PER; i++)
        ok = nst_add(stress_set, &members[i], &members[i]) == 0 && ok;
    struct rt_thread churn;
    for (unsigned k = 0; k < SIGNALLERS && ok; k++) {
        sig[k].id = k;
        ok = rt_object_alloc(seL4_NotificationObject, 0, &sig[k].wake) == seL4_NoError &&
             nst_thread(&sig[k].thread, prio[k], signaller_main, &sig[k]) == seL4_NoError;
    }
    ok = ok && nst_thread(&churn, NS_TEST_PRIO, churn_main, NULL) == seL4_NoError;
    CHECK(ok, "96 members, 3 signallers (priorities 50, 100, 150) and a churn thread");
    if (!ok)
        return;

    struct ns_event ev[NS_MAX_EVENTS];
    seL4_Word events = 0, bad = 0, calls = 0;
    while (events < want || !churn_done) {
        int n = ns_wait(stress_set, ev, 16);
        if (n <= 0) {
            bad++;
            break;
        }
        calls++;
        for (int i = 0; i < n; i++)
            bad += !take(&ev[i], &events);
        if (calls % 256 == 0)
            nst_progress("stress");
    }
    /* The churn thread's last signals may still be pending. */
    for (int n; (n = ns_poll(stress_set, ev, NS_MAX_EVENTS)) > 0;) {
        for (int i = 0; i < n; i++)
            bad += !take(&ev[i], &events);
    }
    printf("# stress: %lu events in %lu waits (%lu.%02lu per wait)\n", (unsigned long)events,
           (unsigned long)calls, (unsigned long)(events / (calls ? calls : 1)),
           (unsigned long)(events * 100 / (calls ? calls : 1) % 100));
    CHECK_EQ(bad, 0, "no invented, duplicated or unexpected event");
    CHECK_EQ(events, want, "every one of 2,400 signals reported exactly once");
    bool clear = true;
    for (unsigned i = 0; i < SIGNALLERS * PER; i++)
        clear = clear && !outstanding[i];
    CHECK(clear, "no signal left outstanding");
    printf("# churn: %lu reported, %lu left in the notification\n", (unsigned long)churn_reported,
           (unsigned long)churn_left);
    CHECK_EQ(churn_errors, 0, "the churn thread's adds and removes all succeeded");
    CHECK_EQ(churn_reported + churn_left, CHURN,
             "each signal to a member removed at once came out exactly once");
    for (unsigned k = 0; k < SIGNALLERS; k++) {
        rt_thread_join(&sig[k].thread);
        rt_thread_destroy(&sig[k].thread);
        rt_object_free(&sig[k].wake);
    }
    rt_thread_join(&churn);
    rt_thread_destroy(&churn);
    for (unsigned i = 0; i < SIGNALLERS * PER; i++)
        nst_remove(stress_set, &members[i]);
    nst_remove(stress_set, &done_member);
    ns_set_destroy(stress_set);
    nst_members_free(members, SIGNALLERS * PER);
    nst_members_free(&churn_member, 1);
    nst_members_free(&done_member, 1);
}

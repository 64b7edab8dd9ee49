/*
 * Notification sets under load: 4 signaller threads send 1,015,808 Signals to 4,096
 * members of one set (size_bits 13), and the root task, waiting on the set with max 60,
 * accounts for every one of them. Signallers run at priorities above, equal to and below
 * the waiter's; two of them run in address spaces of their own.
 *
 * Accounting. Signaller s sends to member m its r-th Signal (round r = 0..61) through a
 * cap with badge bit 2s + (r mod 2), so each signaller owns two bits of every member's
 * word. It sends Signal r only once the waiter has consumed Signals 0..r-2 from it, so at
 * most two of its Signals are pending per member, and they carry different bits (a
 * signaller short of credit blocks on a notification the waiter signals after each
 * batch). The waiter knows how many Signals it has consumed from each (m, s); the next one
 * carries bit c mod 2. In each event the two bits of signaller s must be 00 (nothing),
 * only the expected bit (one Signal) or both (two); anything else is a lost or duplicated
 * Signal, as is an event with no bit or a bit above 7. At the end every (m, s) must have
 * consumed exactly 62.
 *
 * Prints the totals (Signals, events, Waits, events per Wait, blocked signallers).
 */
#include <stdio.h>
#include "nset_util.h"
#include "testlib.h"

#define M         4096 /* members */
#define S         4    /* signallers */
#define R         62   /* Signals per (member, signaller) */
#define SET_BITS  13
#define BIG_BITS  16
#define CAP_BASE  M /* big slots: member m's cap with badge bit b at CAP_BASE + 8m + b */
#define WAIT_PRIO 100

struct signaller {
    seL4_Word id, prio, stride;
    bool other_space;
    seL4_CPtr credit;        /* the waiter signals it when we asked for credit */
    volatile seL4_Word want; /* we are (about to be) blocked on credit */
    volatile seL4_Word sent, stalls;
    volatile seL4_Word done;
};

static struct signaller sigs[S] = {
    {.id = 0, .prio = WAIT_PRIO + 20, .stride = 1, .other_space = true},
    {.id = 1, .prio = WAIT_PRIO, .stride = 17, .other_space = false},
    {.id = 2, .prio = WAIT_PRIO - 50, .stride = 2047, .other_space = true},
    {.id = 3, .prio = WAIT_PRIO - 50, .stride = 4093, .other_space = false},
};

/* consumed[m][s]: Signals from s to m the waiter has accounted for. */
static volatile uint32_t consumed[M][S];
static seL4_NotificationSetEvent ev[seL4_NotificationSetMaxEvents];

/* The body of signaller s (runs without TLS; possibly in another VSpace). Members are
 * visited in a per-signaller order (stride odd and M a power of two: a permutation). */
static void signaller_main(seL4_Word arg)
{
    struct signaller *g = &sigs[arg];
    for (seL4_Word r = 0; r < R; r++) {
        for (seL4_Word j = 0; j < M; j++) {
            seL4_Word m = (j * g->stride + g->id * 1000) % M;
            while (consumed[m][g->id] + 1 < r) {
                g->want = 1;
                __atomic_thread_fence(__ATOMIC_SEQ_CST);
                if (consumed[m][g->id] + 1 >= r) {
                    g->want = 0;
                    break;
                }
                g->stalls++;
                seL4_Wait(g->credit, NULL);
            }
            seL4_Signal(nset_big(CAP_BASE + 8 * m + 2 * g->id + (r & 1)));
            g->sent++;
        }
    }
    g->done = 1;
}

/* Accounts for one event; returns false if it shows a lost or duplicated Signal. */
static bool account(seL4_Word token, seL4_Word word)
{
    if (token >= M || word == 0 || (word >> (2 * S)) != 0)
        return false;
    bool ok = true;
    for (seL4_Word s = 0; s < S; s++) {
        seL4_Word f = (word >> (2 * s)) & 3, c = consumed[token][s];
        if (f == 0)
            continue;
        if (f == 3 && c + 2 <= R)
            consumed[token][s] = (uint32_t)(c + 2);
        else if (f == (seL4_Word)1 << (c & 1) && c + 1 <= R)
            consumed[token][s] = (uint32_t)(c + 1);
        else
            ok = false;
    }
    return ok;
}

static seL4_Word popcount_total(seL4_Word word)
{
    return (seL4_Word)__builtin_popcountl(word);
}

int main(void)
{
    test_begin("nset_stress");
    kobj_set_my_prio(WAIT_PRIO);
    ipc_watchdog_start();
    ipc_stage("setup");
    seL4_CPtr big = nset_cspace_init(BIG_BITS), ut = kobj_untyped(17);
    seL4_CPtr set = nset_new(SET_BITS);
    bool ok =
        big && ut && set && nset_big_retype(ut, seL4_NotificationObject, 0, M) == seL4_NoError;
    for (seL4_Word m = 0; m < M && ok; m++) {
        ok = seL4_NotificationSet_Add(set, nset_big(m), m) == seL4_NoError;
        for (seL4_Word b = 0; b < 2 * S && ok; b++)
            ok = nset_big_mint(CAP_BASE + 8 * m + b, m, seL4_AllRights, (seL4_Word)1 << b) ==
                 seL4_NoError;
    }
    CHECK(ok, "4096 notifications in a 2^16-slot CNode, members of a set of size_bits 13, "
              "8 badged caps each");

    struct nset_space spaces[S];
    struct kobj_thread threads[S];
    for (seL4_Word s = 0; s < S && ok; s++) {
        struct signaller *g = &sigs[s];
        g->credit = kobj_new(seL4_NotificationObject, 0);
        struct kobj_thread *t = &threads[s];
        seL4_CPtr vspace = seL4_CapInitThreadVSpace;
        if (g->other_space) {
            ok = nset_space_new(&spaces[s], g->prio, "signaller") == seL4_NoError;
            *t = spaces[s].thread;
            vspace = spaces[s].vspace;
        } else {
            *t = (struct kobj_thread){0};
            ok = kobj_thread_new(t, g->prio, "signaller") == seL4_NoError;
        }
        ok = ok && g->credit && nset_cspace_adopt(t->tcb, vspace) == seL4_NoError;
    }
    CHECK(ok, "4 signallers: priority 120 and 50 in VSpaces of their own, 100 and 50 in ours");

    ipc_stage("stress");
    seL4_Word t0 = ipc_now(), events = 0, waits = 0, signals = 0, bad = 0, max_batch = 0;
    seL4_Word expected = (seL4_Word)M * S * R;
    for (seL4_Word s = 0; s < S; s++)
        kobj_thread_start(&threads[s], signaller_main, s);
    while (signals < expected) {
        int n = seL4_NotificationSet_Wait(set, seL4_NotificationSetMaxEvents, ev);
        waits++;
        if (n <= 0) {
            bad++;
            break;
        }
        events += (seL4_Word)n;
        max_batch = (seL4_Word)n > max_batch ? (seL4_Word)n : max_batch;
        for (int i = 0; i < n; i++) {
            signals += popcount_total(ev[i].word);
            bad += !account(ev[i].token, ev[i].word);
        }
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        for (seL4_Word s = 0; s < S; s++) {
            if (sigs[s].want) {
                sigs[s].want = 0;
                seL4_Signal(sigs[s].credit);
            }
        }
        if ((waits & 1023) == 0)
            ipc_stage("stress");
    }
    seL4_Word ms = (ipc_now() - t0) / ipc_ms(1);
    ipc_stage("totals");
    /* The last Signal may have switched to us before its sender counted it. */
    ipc_run_below(WAIT_PRIO - 50, WAIT_PRIO);

    seL4_Word sent = 0, stalls = 0, done = 0, exact = 0;
    for (seL4_Word s = 0; s < S; s++) {
        sent += sigs[s].sent;
        stalls += sigs[s].stalls;
        done += sigs[s].done;
        printf("stress: signaller %lu (priority %lu%s): %lu Signals, %lu waits for credit\n",
               (unsigned long)s, (unsigned long)sigs[s].prio,
               sigs[s].other_space ? ", own VSpace" : "", (unsigned long)sigs[s].sent,
               (unsigned long)sigs[s].stalls);
    }
    for (seL4_Word m = 0; m < M; m++) {
        for (seL4_Word s = 0; s < S; s++)
            exact += consumed[m][s] == R;
    }
    printf("stress: %lu Signals sent, %lu accounted for, %lu events in %lu Waits "
           "(%lu.%02lu per Wait, at most %lu), %lu ms\n",
           (unsigned long)sent, (unsigned long)signals, (unsigned long)events, (unsigned long)waits,
           (unsigned long)(events / waits), (unsigned long)(events * 100 / waits % 100),
           (unsigned long)max_batch, (unsigned long)ms);
    CHECK_EQ(done, S, "every signaller finished");
    CHECK_EQ(sent, expected, "they sent 4096 * 4 * 62 = 1015808 Signals");
    CHECK_EQ(bad, 0, "no event showed a lost or duplicated Signal");
    CHECK_EQ(signals, expected, "the waiter accounted for every Signal");
    CHECK_EQ(exact, (seL4_Word)M * S, "each (member, signaller) delivered exactly 62");
    CHECK(events < signals, "some Signals coalesced (fewer events than Signals)");
    CHECK(max_batch > 2, "some Waits returned a batch of more than 2 events");
    CHECK_EQ(seL4_NotificationSet_Poll(set, 60, ev), 0, "nothing is left ready");
    seL4_Word idle = 0;
    for (seL4_Word m = 0; m < M; m += 97)
        idle += nset_ntfn_poll(nset_big(m)) == 0;
    CHECK_EQ(idle, (M + 96) / 97, "sampled members are idle (no word left behind)");
    test_finish();
}

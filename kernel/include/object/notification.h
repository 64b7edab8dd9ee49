/*
 * Notifications: a word of badge bits and a queue of waiters (seL4 reference manual,
 * chapter 5). Three states:
 *
 *            Signal (no waiter, no bound receiver)
 *     Idle ----------------------------------------> Active (word != 0, or signalled
 *      ^  \                                            |      with badge 0)
 *      |   \ Wait                          Wait/Poll   |
 *      |    v                              (takes word)|
 *      |   Waiting (threads queued) <--------------+   |
 *      +-- last waiter woken by Signal ------------+---+
 *
 * 32 bytes (seL4_NotificationBits): the queue, the word, and one word that holds the bound
 * TCB (or, with the notification-set patch, the set member entry) and the Active flag.
 */
#ifndef OBJECT_NOTIFICATION_H
#define OBJECT_NOTIFICATION_H

#include <object/queue.h>

struct notification {
    struct thread_queue queue;
    word_t word;
    word_t bound; /* bound TCB | NTFN_ACTIVE */
};

_Static_assert(sizeof(struct notification) == (1u << seL4_NotificationBits), "notification size");

#define NTFN_ACTIVE 1ull
#define NTFN_MEMBER 2ull /* bound points at a notification-set member (kernel-patch/) */
#define NTFN_FLAGS  7ull

static inline bool ntfn_active(const struct notification *n)
{
    return n->bound & NTFN_ACTIVE;
}

static inline struct tcb *ntfn_bound_tcb(const struct notification *n)
{
#ifdef CONFIG_NOTIFICATION_SET
    if (n->bound & NTFN_MEMBER)
        return NULL;
#endif
    return (struct tcb *)(uintptr_t)(n->bound & ~NTFN_FLAGS);
}

/* Signal with badge (seL4's sendSignal): wakes the first waiter, or the bound thread
 * blocked in Recv, or ORs the badge into the word. O(1); may switch threads. */
void ntfn_signal(struct notification *n, word_t badge);
/* Wait (blocking) or Poll (seL4's receiveSignal): returns the word in t's x0 and clears
 * it, or blocks t. */
void ntfn_wait(struct tcb *t, struct notification *n, bool blocking);
/* Binds n to t / unbinds t's notification. */
void ntfn_bind(struct notification *n, struct tcb *t);
void ntfn_unbind(struct tcb *t);
/* The notification's last cap is gone: waiters restart, the bound thread is unbound. */
void ntfn_finalise(struct notification *n);

#endif

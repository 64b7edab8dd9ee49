/*
 * Endpoints: synchronous IPC rendezvous (seL4 reference manual, chapter 4).
 *
 * An endpoint is a queue of blocked threads, all senders or all receivers; its state
 * (Idle, Send, Recv) is read off the queue, so the object is just the queue (16 bytes,
 * seL4_EndpointBits).
 */
#ifndef OBJECT_ENDPOINT_H
#define OBJECT_ENDPOINT_H

#include <object/queue.h>

struct endpoint {
    struct thread_queue queue;
};

_Static_assert(sizeof(struct endpoint) <= (1u << seL4_EndpointBits), "endpoint size");

enum ep_state { EP_IDLE, EP_SEND, EP_RECV };

static inline enum ep_state ep_state(const struct endpoint *ep)
{
    if (tq_empty(&ep->queue))
        return EP_IDLE;
    return ep->queue.head->state == THREAD_BLOCKED_ON_SEND ? EP_SEND : EP_RECV;
}

/* Sends t's message through the endpoint cap c (seL4's sendIPC): hands it to a waiting
 * receiver, or blocks t if `blocking` (else drops it). A call leaves t waiting for the
 * reply. May switch threads (records a scheduler action). */
void ep_send(struct tcb *t, struct cap c, bool blocking, bool is_call);
/* Receives on the endpoint cap c (seL4's receiveIPC), taking a pending signal of t's bound
 * notification first. Blocks if nothing is there and `blocking`, else returns badge 0. */
void ep_receive(struct tcb *t, struct cap c, bool blocking);
/* seL4_Reply: answers the call t last received, if its caller is still waiting. */
void ep_reply(struct tcb *t);

/* Takes a blocked thread out of whatever it is blocked on (seL4's cancelIPC). */
void ipc_cancel(struct tcb *t);
/* The endpoint's last cap is gone: every blocked thread restarts its call. */
void ep_finalise(struct endpoint *ep);
/* Restarts every sender blocked on ep with this badge. */
void ep_cancel_badged_sends(struct endpoint *ep, word_t badge);

/* Message transfer between two threads (transfer.c). */
void ipc_transfer(struct tcb *sender, struct endpoint *ep, word_t badge, bool can_grant,
                  struct tcb *receiver);
/* Makes caller wait for callee's reply. */
void ipc_setup_caller(struct tcb *caller, struct tcb *callee);

#endif

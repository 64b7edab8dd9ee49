/*
 * FIFO queues of blocked threads, linked through tcb->queue_next/prev. Endpoints and
 * notifications each hold one.
 *
 *   head -> [tcb] <-> [tcb] <-> [tcb] <- tail
 */
#ifndef OBJECT_QUEUE_H
#define OBJECT_QUEUE_H

#include <object/tcb.h>

struct thread_queue {
    struct tcb *head;
    struct tcb *tail;
};

static inline bool tq_empty(const struct thread_queue *q)
{
    return q->head == NULL;
}

static inline void tq_append(struct thread_queue *q, struct tcb *t)
{
    t->queue_next = NULL;
    t->queue_prev = q->tail;
    if (q->tail)
        q->tail->queue_next = t;
    else
        q->head = t;
    q->tail = t;
}

static inline void tq_remove(struct thread_queue *q, struct tcb *t)
{
    if (t->queue_prev)
        t->queue_prev->queue_next = t->queue_next;
    else
        q->head = t->queue_next;
    if (t->queue_next)
        t->queue_next->queue_prev = t->queue_prev;
    else
        q->tail = t->queue_prev;
    t->queue_next = t->queue_prev = NULL;
}

#endif

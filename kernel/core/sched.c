/*
 * The scheduler: ready queues, state changes and the choice of the next thread.
 * Follows seL4's non-MCS kernel (thread.c): a woken thread may be switched to directly when
 * its priority allows; otherwise threads go to the ready queues and the highest priority wins.
 */
#include <core.h>
#include <printk.h>
#include <kstring.h>

struct core core0;

void core_init(word_t kstack_top)
{
    struct core *c = this_core();
    memset(c, 0, sizeof(*c));
    c->kstack_top = kstack_top;
    c->idle.state = THREAD_RUNNING;
    c->idle.priority = 0;
    memcpy(c->idle.name, "idle", 5);
    c->cur = &c->idle;
    c->action = SCHED_RESUME_CURRENT;
}

static void bitmap_set(struct core *c, unsigned prio)
{
    c->ready_bitmap[prio / 64] |= BIT(prio % 64);
}

static void bitmap_clear(struct core *c, unsigned prio)
{
    c->ready_bitmap[prio / 64] &= ~BIT(prio % 64);
}

/* Highest priority with a ready thread, or -1. */
static int highest_ready_prio(const struct core *c)
{
    for (int w = (int)ARRAY_SIZE(c->ready_bitmap) - 1; w >= 0; w--) {
        if (c->ready_bitmap[w])
            return w * 64 + 63 - __builtin_clzll(c->ready_bitmap[w]);
    }
    return -1;
}

bool sched_is_highest_prio(unsigned prio)
{
    return (int)prio >= highest_ready_prio(this_core());
}

void sched_enqueue(struct tcb *t)
{
    struct core *c = this_core();
    if (t->in_ready_queue)
        return;
    struct ready_queue *q = &c->ready[t->priority];
    t->sched_prev = NULL;
    t->sched_next = q->head;
    if (q->head)
        q->head->sched_prev = t;
    else
        q->tail = t;
    q->head = t;
    t->in_ready_queue = true;
    bitmap_set(c, t->priority);
}

void sched_append(struct tcb *t)
{
    struct core *c = this_core();
    if (t->in_ready_queue)
        return;
    struct ready_queue *q = &c->ready[t->priority];
    t->sched_next = NULL;
    t->sched_prev = q->tail;
    if (q->tail)
        q->tail->sched_next = t;
    else
        q->head = t;
    q->tail = t;
    t->in_ready_queue = true;
    bitmap_set(c, t->priority);
}

void sched_dequeue(struct tcb *t)
{
    struct core *c = this_core();
    if (!t->in_ready_queue)
        return;
    struct ready_queue *q = &c->ready[t->priority];
    if (t->sched_prev)
        t->sched_prev->sched_next = t->sched_next;
    else
        q->head = t->sched_next;
    if (t->sched_next)
        t->sched_next->sched_prev = t->sched_prev;
    else
        q->tail = t->sched_prev;
    t->sched_next = t->sched_prev = NULL;
    t->in_ready_queue = false;
    if (!q->head)
        bitmap_clear(c, t->priority);
}

void sched_reschedule_required(void)
{
    struct core *c = this_core();
    if (c->action != SCHED_RESUME_CURRENT && c->action != SCHED_CHOOSE_NEW)
        sched_enqueue(c->action);
    c->action = SCHED_CHOOSE_NEW;
}

void thread_set_state(struct tcb *t, enum thread_state state)
{
    struct core *c = this_core();
    bool was_live = t->state != THREAD_INACTIVE;
    bool live = state != THREAD_INACTIVE;
    t->state = (uint8_t)state;
    if (was_live != live)
        c->live_threads += live ? 1 : -1;
    if (!thread_is_runnable(t)) {
        sched_dequeue(t);
        if (t == c->action)
            c->action = SCHED_CHOOSE_NEW;
        if (t == c->cur && c->action == SCHED_RESUME_CURRENT)
            sched_reschedule_required();
    }
}

void sched_possible_switch_to(struct tcb *t)
{
    struct core *c = this_core();
    if (c->action != SCHED_RESUME_CURRENT) {
        sched_reschedule_required();
        sched_enqueue(t);
    } else {
        c->action = t;
    }
}

void sched_yield(void)
{
    struct tcb *t = cur_thread();
    sched_dequeue(t);
    sched_append(t);
    sched_reschedule_required();
}

void sched_tick(void)
{
    struct core *c = this_core();
    struct tcb *t = c->cur;
    c->ticks++;
    if (t == &c->idle || !thread_is_runnable(t))
        return;
    if (t->timeslice > 1) {
        t->timeslice--;
        return;
    }
    t->timeslice = CONFIG_TIME_SLICE_TICKS;
    sched_append(t);
    sched_reschedule_required();
}

/* Makes next the current thread. */
static void switch_to(struct core *c, struct tcb *next)
{
    sched_dequeue(next);
    if (next != c->cur)
        arch_switch_thread(c->cur, next);
    c->cur = next;
}

static void choose_new_thread(struct core *c)
{
    int prio = highest_ready_prio(c);
    switch_to(c, prio < 0 ? &c->idle : c->ready[prio].head);
}

void schedule(void)
{
    struct core *c = this_core();
    if (c->action != SCHED_RESUME_CURRENT) {
        struct tcb *cur = c->cur;
        bool was_runnable = cur != &c->idle && thread_is_runnable(cur);
        if (was_runnable)
            sched_enqueue(cur);
        if (c->action == SCHED_CHOOSE_NEW) {
            choose_new_thread(c);
        } else {
            struct tcb *candidate = c->action;
            bool fastfail = cur == &c->idle || candidate->priority < cur->priority;
            if (fastfail && (int)candidate->priority < highest_ready_prio(c)) {
                sched_enqueue(candidate);
                choose_new_thread(c);
            } else if (was_runnable && candidate->priority == cur->priority) {
                sched_append(candidate);
                choose_new_thread(c);
            } else {
                switch_to(c, candidate);
            }
        }
    } else if (c->cur != &c->idle && !thread_is_runnable(c->cur)) {
        panic("resuming a thread that cannot run");
    }
    c->action = SCHED_RESUME_CURRENT;
}

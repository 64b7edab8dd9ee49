/*
 * An invocation being decoded: the invoked cap, its message, its extra caps, and the
 * reply being built. Decoders check everything first and change state only when nothing
 * can fail any more (decode, then invoke), so an error leaves the system as it was.
 */
#ifndef API_INVOCATION_H
#define API_INVOCATION_H

#include <object/cap.h>
#include <object/tcb.h>

struct invocation {
    struct tcb *thread;
    word_t label;
    unsigned length;     /* message registers sent */
    unsigned extra_caps; /* extra caps sent */
    struct cte *slot;    /* the invoked cap's slot */
    struct cap cap;      /* the invoked cap */
    struct cte *extra[seL4_MsgMaxExtraCaps];
    unsigned reply_length; /* message registers of the reply (set by the invoke step) */
};

/* Message register i of the request (0 if beyond the IPC buffer). */
word_t inv_mr(const struct invocation *inv, unsigned i);
/* Sets message register i of the reply and grows the reply to cover it. */
void inv_set_reply(struct invocation *inv, unsigned i, word_t value);

/* Handles seL4_Call (is_call) or seL4_Send on a cap that is not an IPC object: looks the
 * cap and extra caps up in t's CSpace, decodes and performs the invocation, and (for Call)
 * writes the reply into t's registers. May leave t to restart the call (preemption). */
void invocation_handle(struct tcb *t, bool is_call);

/* The per-type decoders. Each returns a seL4_Error, or ERR_PREEMPTED. */
int untyped_decode(struct invocation *inv);
int tcb_decode(struct invocation *inv);
int cnode_decode(struct invocation *inv);
int arch_decode(struct invocation *inv);

#endif

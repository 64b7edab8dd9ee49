/* Fastpaths for seL4_Call and seL4_ReplyRecv (see fastpath.c). */
#ifndef API_FASTPATH_H
#define API_FASTPATH_H

#include <object/tcb.h>

/* Each returns only if the fastpath does not apply; then the slow path must run. */
void fastpath_call(struct tcb *t);
void fastpath_reply_recv(struct tcb *t);
void fastpath_signal(struct tcb *t);
void fastpath_recv(struct tcb *t);

/* Ends a fast path: switch from one thread to another / return to the caller. */
noreturn void fastpath_switch(struct tcb *from, struct tcb *to);
noreturn void fastpath_return(struct tcb *t);

#endif

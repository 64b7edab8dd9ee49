/* Fastpaths for seL4_Call and seL4_ReplyRecv (see fastpath.c). */
#ifndef API_FASTPATH_H
#define API_FASTPATH_H

#include <object/tcb.h>

/* Each returns only if the fastpath does not apply; then the slow path must run. */
void fastpath_call(struct tcb *t);
void fastpath_reply_recv(struct tcb *t);

#endif

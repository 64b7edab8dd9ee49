/*
 * Extension points of the base kernel for the notification-set patch (kernel-patch/).
 * Built without CONFIG_NOTIFICATION_SET every hook below is an empty inline function or a
 * constant, so the base kernel compiles to what it would be without them. The list, and
 * the upstream seL4 function each corresponds to, is in kernel-patch/README.md.
 */
#ifndef KERNEL_HOOKS_H
#define KERNEL_HOOKS_H

#include <object/cap.h>
#include <object/notification.h>
#include <sel4/objecttype.h>

struct invocation;

#ifdef CONFIG_NOTIFICATION_SET

#define NSET_PATCHED 1
/* H1 object type and size, H2 retype, H3 cap region, H4 finalise */
struct cap nset_create(void *obj, unsigned obj_bits);
int nset_finalise(struct cap c);
/* H5 signal path, H6 direct wait on a member, H7 member deleted */
bool nset_hook_signal(struct notification *n, word_t badge);
void nset_hook_consumed(struct notification *n);
void nset_hook_ntfn_deleted(struct notification *n);
/* H8 cancelling a blocked Wait */
void nset_hook_cancel_wait(struct tcb *t);
/* H13 copying a set cap (refused while the set is being deleted) */
int nset_hook_derive(struct cap c);
/* H9 invocation decode, H10 receive on a set cap */
int nset_decode(struct invocation *inv);
void nset_recv(struct tcb *t, struct cap c, bool blocking);
/* H12 fast paths (return only if the case is not theirs), inline for kernel/api/fastpath.c */
#ifdef NSET_WANT_FASTPATHS
#include <nset_fastpath.h>
#endif

#else

#define NSET_PATCHED 0
static inline struct cap nset_create(void *obj, unsigned obj_bits)
{
    (void)obj;
    (void)obj_bits;
    return cap_null();
}
static inline int nset_finalise(struct cap c)
{
    (void)c;
    return 0;
}
static inline bool nset_hook_signal(struct notification *n, word_t badge)
{
    (void)n;
    (void)badge;
    return false;
}
static inline void nset_hook_consumed(struct notification *n)
{
    (void)n;
}
static inline void nset_hook_ntfn_deleted(struct notification *n)
{
    (void)n;
}
static inline void nset_hook_cancel_wait(struct tcb *t)
{
    (void)t;
}
static inline int nset_hook_derive(struct cap c)
{
    (void)c;
    return seL4_NoError;
}
static inline int nset_decode(struct invocation *inv)
{
    (void)inv;
    return seL4_IllegalOperation;
}
static inline void nset_recv(struct tcb *t, struct cap c, bool blocking)
{
    (void)t;
    (void)c;
    (void)blocking;
}
static inline void nset_fastpath_signal(struct tcb *t, struct notification *n, word_t badge)
{
    (void)t;
    (void)n;
    (void)badge;
}
static inline void nset_fastpath_recv(struct tcb *t, struct cap c)
{
    (void)t;
    (void)c;
}

#endif
#endif

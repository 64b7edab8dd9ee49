/*
 * The user-level fallback backend of libnotifyset (README.md has the design and the
 * variants). Internal to fallback.c, fb_thread.c and fb_pool.c.
 *
 *   set endpoint <----- Send/Call (badge token+1, MR0 = word) ----- helper thread, one per
 *        |                                                           member: Wait(member)
 *   waiter: Recv, then NBRecv up to max                              (fb_helper.S)
 *
 * Helpers are made in chunks of FB_CHUNK: one batch of TCBs and one run of slots for their
 * badged endpoint caps; token t uses entry t % FB_CHUNK of chunk t / FB_CHUNK. The pool
 * variant adds groups of 64 owned members sharing one helper and one notification.
 */
#ifndef FB_FALLBACK_H
#define FB_FALLBACK_H

#include <stdint.h>
#include <rt/rt.h>
#include "../notifyset/src/backend.h"
#include "fb_helper.h"

#define FB_CHUNK 64

enum fb_kind { FB_NONE, FB_HELPER, FB_POOL };

/* The labels of one member loop (fb_helper.S), for starting and probing its helpers. */
struct fb_loop {
    const char *loop, *got, *deliver, *svc;
    bool call; /* delivers with Call: a stopped helper may be waiting for its reply */
};

struct fb_member {
    seL4_CPtr ntfn; /* the notification watched (FB_HELPER) */
    uint8_t kind;
    uint8_t bit;    /* FB_POOL: bit of its group's notification */
    uint16_t group; /* FB_POOL */
    struct ns_owned owned;
    /* FB_HELPER, call form: a waiter received this member's message and has not yet
     * replied (the helper waits for the reply; its word is delivered). */
    volatile bool awaiting_reply;
};

struct fb_chunk {
    struct rt_object_batch tcbs;
    struct rt_cspace_range caps; /* badged endpoint caps */
    bool made;
};

struct fb_group {
    struct rt_object tcb, ntfn;
    struct rt_cspace_range ep_caps;   /* per bit: the endpoint, badge = member token + 1 */
    struct rt_cspace_range mint_caps; /* per bit: ntfn badged 1 << bit, write only; the
                                         caller's cap is a copy of it */
    uint64_t used;
    bool made;
};

struct fb_set {
    struct ns_config cfg;
    size_t ntokens, nchunks;
    struct rt_object ep;
    seL4_Word suspend_info; /* message info of TCB_Suspend, for fb_helper_dead */
    const struct fb_loop *loop;
    struct fb_member *members; /* ntokens */
    struct fb_chunk *chunks;   /* nchunks */
    struct fb_group *groups;   /* nchunks (pool variant) */
};

/* ---- fb_thread.c: helper threads ---- */

/* Where a helper starts and what it holds: registers x19..x21 of fb_helper.h. */
struct fb_start {
    const char *pc;
    seL4_Word x19, x20, x21;
};

/* Makes chunk c (TCBs configured in the root task's spaces, no IPC buffer; slots). */
int fb_chunk_make(struct fb_set *s, size_t c);
/* The message info of seL4_TCB_Suspend, for helpers that suspend themselves. */
seL4_Word fb_suspend_info(void);
/* Configures a lone helper TCB (the pool's). */
int fb_tcb_configure(seL4_CPtr tcb);
/* Starts a stopped helper at st->pc with the given registers at priority prio. */
int fb_helper_start(struct fb_set *s, seL4_CPtr tcb, const struct fb_start *st);
/* Stops a helper for good and returns, in *ctx, the registers at the exact point where it
 * would continue (see fb_thread.c). */
int fb_helper_stop(seL4_CPtr tcb, seL4_UserContext *ctx);
/* The word a stopped member helper took and had not delivered; false if none. */
bool fb_member_held(const struct fb_loop *loop, const seL4_UserContext *ctx, bool on_reply,
                    seL4_Word *word);
/* The bits a stopped pool helper took and had not delivered. */
seL4_Word fb_pool_held(const seL4_UserContext *ctx);

/* ---- fb_pool.c: owned members as badge bits ---- */

int fb_pool_add(struct fb_set *s, seL4_CPtr slot, seL4_Word token);
int fb_pool_remove(struct fb_set *s, seL4_Word token, struct ns_fired *pending, bool *has_pending);
void fb_pool_free(struct fb_set *s);

#endif

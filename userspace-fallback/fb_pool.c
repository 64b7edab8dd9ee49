/*
 * NS_FALLBACK_POOL: owned members as badge bits. A group is one notification and one
 * helper thread for up to 64 owned members: member bit b signals through a cap of the
 * group's notification badged 1 << b, and the helper (fb_pool_loop) delivers every bit it
 * takes as its own message, badged with that member's token. A burst of signals on a
 * group's members wakes its helper once.
 *
 * Cap layout of a group (all in the root task's CSpace):
 *
 *   ntfn ──mint badge 1<<b, write──> mint_caps[b] ──copy──> the caller's slot (and any
 *                                                           copies it hands out)
 *   ep   ──mint badge token+1───────> ep_caps[b]   (x21 + b in the helper)
 *
 * Removing member b revokes mint_caps[b], which deletes every cap that can still signal
 * bit b, so the bit can be reused at once.
 */
#include "fallback.h"

#define FB_ALL_BITS (~(uint64_t)0)

/* Deletes a group's helper, notification (and with it every cap minted from it), endpoint
 * caps and slot ranges; works on partly made groups. */
static void group_free(struct fb_group *g)
{
    if (g->tcb.cap)
        rt_object_free(&g->tcb);
    if (g->ntfn.cap)
        rt_object_free(&g->ntfn); /* revokes the mint caps and the caller's copies */
    for (unsigned i = 0; i < 64 && g->ep_caps.count; i++)
        rt_cspace_delete(g->ep_caps.first + i);
    if (g->ep_caps.count)
        rt_cspace_free_range(&g->ep_caps);
    if (g->mint_caps.count)
        rt_cspace_free_range(&g->mint_caps);
    *g = (struct fb_group){0};
}

/* Group j: a helper waiting on a fresh notification, nothing held. */
static int group_make(struct fb_set *s, size_t j)
{
    struct fb_group *g = &s->groups[j];
    seL4_Error err = rt_object_alloc(seL4_TCBObject, 0, &g->tcb);
    if (err == seL4_NoError)
        err = rt_object_alloc(seL4_NotificationObject, 0, &g->ntfn);
    if (err == seL4_NoError)
        err = rt_cspace_alloc_range(64, &g->ep_caps);
    if (err == seL4_NoError)
        err = rt_cspace_alloc_range(64, &g->mint_caps);
    int e = ns_err(err);
    if (!e)
        e = fb_tcb_configure(g->tcb.cap);
    struct fb_start st = {.pc = fb_pool_loop, .x19 = g->ntfn.cap, .x21 = g->ep_caps.first};
    if (!e)
        e = fb_helper_start(s, g->tcb.cap, &st);
    if (e) {
        group_free(g);
        return e;
    }
    g->made = true;
    return 0;
}

/* An owned member as the lowest free bit of the first group with room (made on first use):
 * its endpoint cap, its mint cap, and the caller's copy. */
int fb_pool_add(struct fb_set *s, seL4_CPtr slot, seL4_Word token)
{
    size_t j = 0;
    while (j < s->nchunks && s->groups[j].made && s->groups[j].used == FB_ALL_BITS)
        j++;
    if (j == s->nchunks)
        return -seL4_NotEnoughMemory;
    int err = s->groups[j].made ? 0 : group_make(s, j);
    if (err)
        return err;
    struct fb_group *g = &s->groups[j];
    unsigned b = (unsigned)__builtin_ctzll(~g->used);
    seL4_CPtr root = rt_cspace_root(), ep_cap = g->ep_caps.first + b;
    seL4_CPtr mint = g->mint_caps.first + b;
    err = ns_err(seL4_CNode_Mint(root, ep_cap, RT_CSPACE_DEPTH, root, s->ep.cap, RT_CSPACE_DEPTH,
                                 seL4_CanWrite, token + 1));
    if (!err)
        err = ns_err(seL4_CNode_Mint(root, mint, RT_CSPACE_DEPTH, root, g->ntfn.cap,
                                     RT_CSPACE_DEPTH, seL4_CanWrite, (seL4_Word)1 << b));
    if (!err)
        err = ns_err(seL4_CNode_Copy(root, slot, RT_CSPACE_DEPTH, root, mint, RT_CSPACE_DEPTH,
                                     seL4_CanWrite));
    if (err) {
        rt_cspace_delete(mint);
        rt_cspace_delete(ep_cap);
        return err;
    }
    g->used |= (uint64_t)1 << b;
    s->members[token] = (struct fb_member){.kind = FB_POOL, .bit = (uint8_t)b, .group = j};
    return 0;
}

/*
 * Once no cap can signal bit b any more, the bit may be in three places: not yet taken
 * (the notification's word), taken and not delivered (the stopped helper's registers), or
 * delivered (a waiter has it; the front end's LIMBO state covers that). The first two are
 * collected here: bit b becomes the pending event, the other bits go back to the helper,
 * which restarts delivering them.
 */
int fb_pool_remove(struct fb_set *s, seL4_Word token, struct ns_fired *pending, bool *has_pending)
{
    struct fb_member *m = &s->members[token];
    struct fb_group *g = &s->groups[m->group];
    uint64_t bit = (uint64_t)1 << m->bit;
    seL4_CPtr mint = g->mint_caps.first + m->bit;
    seL4_UserContext ctx;

    int err = ns_err(rt_cspace_revoke(mint));
    if (!err)
        err = ns_err(rt_cspace_delete(mint));
    if (!err)
        err = fb_helper_stop(g->tcb.cap, &ctx);
    if (err)
        return err;
    seL4_Word word = 0;
    seL4_Poll(g->ntfn.cap, &word);
    seL4_Word bits = fb_pool_held(&ctx) | word;
    if (bits & bit) {
        pending->token = token;
        pending->badge = NS_OWNED_BADGE;
        *has_pending = true;
    }
    rt_cspace_delete(g->ep_caps.first + m->bit);
    g->used &= ~bit;
    bits &= ~bit;
    struct fb_start st = {.pc = bits ? fb_pool_next : fb_pool_loop,
                          .x19 = g->ntfn.cap,
                          .x20 = bits,
                          .x21 = g->ep_caps.first};
    m->kind = FB_NONE;
    return fb_helper_start(s, g->tcb.cap, &st);
}

/* Frees every group made (fb_destroy). */
void fb_pool_free(struct fb_set *s)
{
    for (size_t j = 0; j < s->nchunks; j++) {
        if (s->groups[j].made)
            group_free(&s->groups[j]);
    }
}

/*
 * The user-level fallback backend (ns_backend_fallback): stock seL4, no kernel support.
 * Per set one endpoint, retyped at create and deleted at destroy; per member one helper
 * thread (fb_helper.S) that loops Wait(member) -> deliver the word on a copy of the
 * endpoint badged token + 1; the waiter receives one message, then drains more without
 * blocking, up to max. README.md describes the variants and the measurements.
 */
#include "fallback.h"

static const struct fb_loop send_loop = {fb_send_loop, fb_send_got, fb_send_deliver, fb_send_svc,
                                         false};
static const struct fb_loop call_loop = {fb_call_loop, fb_call_got, fb_call_deliver, fb_call_svc,
                                         true};

/* The calling thread owes a reply to a call-form helper it received from (seL4 non-MCS
 * keeps one reply capability per thread); paid by its next wait on a fallback set. */
/* Per waiting thread: a call-form helper waits for this thread's reply (to owed_token). */
static __thread bool reply_owed;
static __thread seL4_Word owed_token;

/* Stops and deletes every helper, the pool's groups and owned members' notifications,
 * then the endpoint, whose revocation deletes every badged copy in the helpers' slots, and
 * the tables. Allocator lock held. */
static void fb_destroy(void *state)
{
    struct fb_set *s = state;
    for (size_t c = 0; c < s->nchunks; c++) {
        if (s->chunks[c].made)
            rt_object_free_batch(&s->chunks[c].tcbs);
    }
    fb_pool_free(s);
    for (size_t t = 0; t < s->ntokens; t++)
        ns_owned_release(&s->members[t].owned);
    if (s->ep.cap)
        rt_object_free(&s->ep);
    for (size_t c = 0; c < s->nchunks; c++) {
        if (s->chunks[c].made)
            rt_cspace_free_range(&s->chunks[c].caps);
    }
    ns_mem_free(s);
}

/* The set's endpoint and tables (members, chunks and pool groups, sized for every token);
 * helpers come later, a chunk at a time. Allocator lock held. */
static int fb_create(const struct ns_config *cfg, size_t ntokens, void **state)
{
    size_t nchunks = (ntokens + FB_CHUNK - 1) / FB_CHUNK;
    size_t bytes = sizeof(struct fb_set) + ntokens * sizeof(struct fb_member) +
                   nchunks * (sizeof(struct fb_chunk) + sizeof(struct fb_group));
    struct fb_set *s = ns_mem_alloc(bytes);
    if (!s)
        return -seL4_NotEnoughMemory;
    s->cfg = *cfg;
    s->ntokens = ntokens;
    s->nchunks = nchunks;
    s->members = (struct fb_member *)(s + 1);
    s->chunks = (struct fb_chunk *)(s->members + ntokens);
    s->groups = (struct fb_group *)(s->chunks + nchunks);
    s->loop = cfg->variant == NS_FALLBACK_CALL ? &call_loop : &send_loop;
    s->suspend_info = fb_suspend_info();
    seL4_Error err = rt_object_alloc(seL4_EndpointObject, 0, &s->ep);
    if (err != seL4_NoError) {
        fb_destroy(s);
        return ns_err(err);
    }
    *state = s;
    return 0;
}

/*
 * A helper for one member. The notification is checked first (a notification cap: its
 * type; the read right: a Poll, which fails without it on this kernel). The Poll also
 * takes a signal that was already pending, so the helper starts out delivering it (as the
 * kernel object puts an Active notification on its ready list at once). The badge-0 case
 * cannot be told from "nothing pending" by a Poll: see docs/api.md.
 */
static int fb_add(void *state, seL4_CPtr cap, seL4_Word token, bool owned)
{
    struct fb_set *s = state;
    struct fb_member *m = &s->members[token];
    if (owned && s->cfg.variant == NS_FALLBACK_POOL)
        return fb_pool_add(s, cap, token);
    size_t c = token / FB_CHUNK;
    int err = s->chunks[c].made ? 0 : fb_chunk_make(s, c);
    if (err)
        return err;
    seL4_CPtr tcb = s->chunks[c].tcbs.first + token % FB_CHUNK;
    seL4_CPtr ep_cap = s->chunks[c].caps.first + token % FB_CHUNK;
    if (owned) {
        if ((err = ns_owned_make(&m->owned, cap)))
            return err;
        cap = m->owned.ntfn.cap;
    } else if (seL4_DebugCapIdentify(cap) != seL4_CapType_Notification) {
        return -seL4_InvalidCapability;
    }
    seL4_CPtr root = rt_cspace_root();
    seL4_CapRights_t rights = s->loop->call ? seL4_CapRights_new(1, 0, 0, 1) : seL4_CanWrite;
    err = ns_err(seL4_CNode_Mint(root, ep_cap, RT_CSPACE_DEPTH, root, s->ep.cap, RT_CSPACE_DEPTH,
                                 rights, token + 1));
    seL4_Word word = 0;
    if (!err && seL4_MessageInfo_get_label(seL4_Poll(cap, &word)) != 0)
        err = -seL4_InvalidCapability;
    struct fb_start st = {
        .pc = word ? s->loop->deliver : s->loop->loop, .x19 = cap, .x20 = ep_cap, .x21 = word};
    if (!err)
        err = fb_helper_start(s, tcb, &st);
    if (err) {
        rt_cspace_delete(ep_cap);
        ns_owned_release(&m->owned);
        return err;
    }
    m->ntfn = cap;
    m->kind = FB_HELPER;
    return 0;
}

/* Stops the member's helper; a word it took and had not delivered becomes the pending
 * event (for an owned member, with whatever its notification still holds). */
static int fb_remove(void *state, seL4_Word token, struct ns_fired *pending, bool *has_pending)
{
    struct fb_set *s = state;
    struct fb_member *m = &s->members[token];
    if (m->kind == FB_POOL)
        return fb_pool_remove(s, token, pending, has_pending);
    seL4_CPtr tcb = s->chunks[token / FB_CHUNK].tcbs.first + token % FB_CHUNK;
    seL4_UserContext ctx;
    int err = fb_helper_stop(tcb, &ctx);
    if (err)
        return err;
    seL4_Word word = 0;
    bool held = fb_member_held(s->loop, &ctx, m->awaiting_reply, &word);
    m->awaiting_reply = false;
    word |= ns_owned_release(&m->owned);
    if (held || word) {
        pending->token = token;
        pending->badge = word;
        *has_pending = true;
    }
    rt_cspace_delete(s->chunks[token / FB_CHUNK].caps.first + token % FB_CHUNK);
    m->kind = FB_NONE;
    m->ntfn = 0;
    return 0;
}

/* One message from a helper: badge token + 1 (0 means nothing, from NBRecv), one message
 * register holding the word. */
static inline seL4_MessageInfo_t receive(seL4_Word sysno, seL4_CPtr ep, seL4_Word *badge,
                                         seL4_Word *word)
{
    *badge = ep;
    return seL4_Syscall_(sysno, badge, seL4_MessageInfo_new(0, 0, 0, 0), word, NULL, NULL, NULL);
}

/* A call-form message from token was received: its helper now waits for our reply. */
static inline void owe_reply(struct fb_set *s, seL4_Word token)
{
    reply_owed = s->loop->call;
    if (reply_owed) {
        owed_token = token;
        s->members[token].awaiting_reply = true;
    }
}

/* After the reply left (Reply, or ReplyRecv's first half): the helper holds no word. */
static inline void paid(struct fb_set *s)
{
    s->members[owed_token].awaiting_reply = false;
    reply_owed = false;
}

static inline void pay_reply(struct fb_set *s)
{
    seL4_Word x0 = 0;
    seL4_Syscall_(seL4_SysReply, &x0, seL4_MessageInfo_new(0, 0, 0, 0), NULL, NULL, NULL, NULL);
    paid(s);
}

/*
 * Receive one message (blocking if asked), then drain without blocking until max distinct
 * members are collected or nothing is queued. With call-form helpers the first receive is
 * ReplyRecv (the fastpath, paying the reply owed from the last wait), and each drained
 * message costs a Reply before the next NBRecv.
 */
static int fb_wait(void *state, struct ns_fired *fired, size_t max, bool block)
{
    struct fb_set *s = state;
    seL4_Word badge, word = 0;
    size_t n = 0;
    if (block) {
        seL4_MessageInfo_t info;
        if (reply_owed && s->loop->call) {
            badge = s->ep.cap;
            info = seL4_Syscall_(seL4_SysReplyRecv, &badge, seL4_MessageInfo_new(0, 0, 0, 0), &word,
                                 NULL, NULL, NULL);
            paid(s);
        } else {
            if (reply_owed)
                pay_reply(s);
            info = receive(seL4_SysRecv, s->ep.cap, &badge, &word);
        }
        if (seL4_MessageInfo_get_label(info) != 0)
            return -(int)seL4_MessageInfo_get_label(info);
        owe_reply(s, badge - 1);
        n = ns_fired_merge(fired, 0, badge - 1, word);
    }
    while (n < max) {
        if (reply_owed)
            pay_reply(s);
        receive(seL4_SysNBRecv, s->ep.cap, &badge, &word);
        if (badge == 0)
            break;
        owe_reply(s, badge - 1);
        n = ns_fired_merge(fired, n, badge - 1, word);
    }
    return (int)n;
}

const struct ns_backend_ops ns_backend_fallback = {
    .name = "fallback",
    .create = fb_create,
    .add = fb_add,
    .remove = fb_remove,
    .wait = fb_wait,
    .destroy = fb_destroy,
};

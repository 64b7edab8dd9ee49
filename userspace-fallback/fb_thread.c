/*
 * The fallback's helper threads: made in chunks, started with their registers, and stopped
 * with an exact account of what they hold.
 *
 * A helper is a bare TCB in the root task's CSpace and VSpace. fb_helper.S needs neither a
 * stack nor an IPC buffer nor TLS, so the TCB (2 KiB) is the whole cost of a thread; its sp
 * is 0, so a stray stack access would fault at once instead of corrupting memory.
 */
#include <sel4/invocation.h>
#include "fallback.h"

/* seL4_UserContext words up to and including x25. */
#define FB_CONTEXT_WORDS (offsetof(seL4_UserContext, x25) / sizeof(seL4_Word) + 1)

_Static_assert(FB_SYS_CALL == seL4_SysCall && FB_SYS_SEND == seL4_SysSend &&
                   FB_SYS_RECV == seL4_SysRecv,
               "fb_helper.S uses the system call numbers of sel4/syscalls.h");

/* No fault handler, no IPC buffer (address 0, no frame). */
int fb_tcb_configure(seL4_CPtr tcb)
{
    return ns_err(seL4_TCB_Configure(tcb, seL4_CapNull, rt_cspace_root(), rt_cspace_root_data(),
                                     seL4_CapInitThreadVSpace, 0, 0, seL4_CapNull));
}

/* Chunk c: FB_CHUNK TCBs from one block, configured, and FB_CHUNK slots for their
 * endpoint caps. Allocator lock held. */
int fb_chunk_make(struct fb_set *s, size_t c)
{
    struct fb_chunk *ch = &s->chunks[c];
    seL4_Error err = rt_object_alloc_batch(seL4_TCBObject, 0, FB_CHUNK, &ch->tcbs);
    if (err != seL4_NoError)
        return ns_err(err);
    err = rt_cspace_alloc_range(FB_CHUNK, &ch->caps);
    if (err != seL4_NoError) {
        rt_object_free_batch(&ch->tcbs);
        return ns_err(err);
    }
    for (unsigned i = 0; i < FB_CHUNK && err == seL4_NoError; i++)
        err = fb_tcb_configure(ch->tcbs.first + i);
    if (err != seL4_NoError) {
        rt_object_free_batch(&ch->tcbs);
        rt_cspace_free_range(&ch->caps);
        return ns_err(err);
    }
    ch->made = true;
    return 0;
}

/* Sets the helper's priority, then its registers (pc, x19..x21, its own TCB and the
 * suspend message for fb_helper_dead) and resumes it. sp stays 0. */
int fb_helper_start(struct fb_set *s, seL4_CPtr tcb, const struct fb_start *st)
{
    seL4_UserContext ctx = {
        .pc = (seL4_Word)st->pc,
        .x19 = st->x19,
        .x20 = st->x20,
        .x21 = st->x21,
        .x24 = tcb,
        .x25 = s->suspend_info,
    };
    seL4_Error err = seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, s->cfg.helper_priority);
    if (err == seL4_NoError)
        err = seL4_TCB_WriteRegisters(tcb, 1, 0, FB_CONTEXT_WORDS, &ctx);
    return ns_err(err);
}

/*
 * Stopping a helper so that nothing it took is lost or reported twice: Suspend it, then
 * ReadRegisters, whose pc is where it would continue (seL4's FaultIP): the system call
 * itself for a helper blocked in one (it would redo it), the next instruction for one that
 * was running. fb_member_held reads the rest off the registers. A call-form helper that
 * has delivered and waits for its reply also reads "at the Call"; the caller knows that
 * case from the waiter's bookkeeping (fb_member.awaiting_reply), not from the kernel.
 */
int fb_helper_stop(seL4_CPtr tcb, seL4_UserContext *ctx)
{
    seL4_Error err = seL4_TCB_Suspend(tcb);
    if (err == seL4_NoError)
        err = seL4_TCB_ReadRegisters(tcb, 0, 0, FB_CONTEXT_WORDS, ctx);
    return ns_err(err);
}

/* Reads fb_helper.S's member loop: a word is held from the instruction after the Wait
 * (unless the Wait failed) up to and including the Send or Call, unless a call-form
 * helper is waiting for its reply (delivered). */
bool fb_member_held(const struct fb_loop *loop, const seL4_UserContext *ctx, bool on_reply,
                    seL4_Word *word)
{
    seL4_Word pc = ctx->pc, got = (seL4_Word)loop->got;
    if ((pc == got && ctx->x1 == 0) || pc == got + 4) {
        *word = ctx->x0; /* the Wait returned; not yet copied to x21 */
        return true;
    }
    if (pc >= (seL4_Word)loop->deliver && pc <= (seL4_Word)loop->svc && !on_reply) {
        *word = ctx->x21;
        return true;
    }
    return false;
}

/* The same for the pool loop; x20 keeps the undelivered bits, and at `sent` the bit in x23
 * has just been delivered. */
seL4_Word fb_pool_held(const seL4_UserContext *ctx)
{
    seL4_Word pc = ctx->pc, got = (seL4_Word)fb_pool_got, sent = (seL4_Word)fb_pool_sent;
    if (pc == got)
        return ctx->x1 == 0 ? ctx->x0 : 0;
    if (pc == got + 4)
        return ctx->x0;
    if (pc == sent)
        return ctx->x20 & ~ctx->x23; /* that bit's Send returned */
    if (pc >= (seL4_Word)fb_pool_next && pc <= sent + 4)
        return ctx->x20;
    return 0;
}

/* The message info of TCB_Suspend, which a helper whose Wait failed sends to its own TCB. */
seL4_Word fb_suspend_info(void)
{
    return seL4_MessageInfo_new(TCBSuspend, 0, 0, 0).words[0];
}

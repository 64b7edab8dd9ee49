/*
 * The helper threads' code (fb_helper.S) and the registers the library gives them. Shared
 * by C and assembly.
 *
 * A helper runs only the few instructions of its loop, entirely in registers: no stack, no
 * IPC buffer (messages of one word travel in registers), no TLS. Its TCB is all it costs.
 * Every point of the loop is known, so a stopped helper's pc and registers tell exactly
 * whether it holds a word it took from its notification but has not delivered (fb_thread.c,
 * fb_probe).
 *
 * Registers (set with TCB_WriteRegisters before the helper first runs):
 *   x19  the notification it waits on
 *   x20  member loops: the badged endpoint cap (badge = token + 1)
 *        pool loop:    the bits taken and not yet delivered
 *   x21  member loops: the word taken and not yet delivered
 *        pool loop:    the first of 64 consecutive badged endpoint caps, one per bit
 *   x22, x23  pool loop: the bit being delivered, and its mask
 *   x24  its own TCB cap, x25 the message info of TCB_Suspend: a helper whose Wait fails
 *        (its notification cap was deleted) suspends itself rather than spin
 */
#ifndef FB_HELPER_H
#define FB_HELPER_H

#define FB_SYS_CALL (-1)
#define FB_SYS_SEND (-3)
#define FB_SYS_RECV (-5)

#ifndef __ASSEMBLER__

/* Labels of fb_helper.S. For each loop: where it starts with nothing held (loop), the Wait
 * system call (wait), the instruction after it (got), where it starts delivering a held
 * word (deliver), the Send or Call (svc) and the instruction after it (sent). */
extern const char fb_send_loop[], fb_send_wait[], fb_send_got[], fb_send_deliver[], fb_send_svc[],
    fb_send_sent[];
extern const char fb_call_loop[], fb_call_wait[], fb_call_got[], fb_call_deliver[], fb_call_svc[],
    fb_call_sent[];
extern const char fb_pool_loop[], fb_pool_wait[], fb_pool_got[], fb_pool_next[], fb_pool_svc[],
    fb_pool_sent[];

#endif
#endif

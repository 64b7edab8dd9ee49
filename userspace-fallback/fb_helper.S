/*
 * The fallback's helper threads (fb_helper.h has the register conventions). Each loop is
 * a few instructions between two system calls, so a stopped helper is in one of a handful
 * of places and its registers say exactly what it holds:
 *
 *   loop:    x1 = 0 (no error), Wait(x19)
 *   got:     x1 != 0: the Wait failed, nothing taken
 *            else the word is in x0, then copied to x21         <- held: x0
 *   deliver: Send/Call(x20, message register 0 = x21)           <- held: x21
 *   sent:    delivered; back to loop
 */
#include "fb_helper.h"

    .text

/* One member, forwarded with Send (NS_FALLBACK_SEND) or Call (NS_FALLBACK_CALL). */
.macro member_loop name, sysno
    .global fb_\name\()_loop, fb_\name\()_wait, fb_\name\()_got, fb_\name\()_deliver
    .global fb_\name\()_svc, fb_\name\()_sent
    .balign 16
fb_\name\()_loop:
    mov     x0, x19
    mov     x1, #0
    mov     x7, #FB_SYS_RECV
fb_\name\()_wait:
    svc     #0
fb_\name\()_got:
    cbnz    x1, fb_helper_dead
    mov     x21, x0
fb_\name\()_deliver:
    mov     x0, x20
    mov     x1, #1                  /* label 0, one message register */
    mov     x2, x21
    mov     x7, #\sysno
fb_\name\()_svc:
    svc     #0
fb_\name\()_sent:
    b       fb_\name\()_loop
.endm

    member_loop send, FB_SYS_SEND
    member_loop call, FB_SYS_CALL

/* Up to 64 owned members, one bit each of notification x19 (NS_FALLBACK_POOL): every bit
 * taken is delivered as its own message, lowest bit first, on the cap for that bit
 * (x21 + bit), whose badge is the member's token + 1. x20 keeps the bits not yet
 * delivered; a bit leaves it only once its Send has returned. */
    .global fb_pool_loop, fb_pool_wait, fb_pool_got, fb_pool_next, fb_pool_svc, fb_pool_sent
    .balign 16
fb_pool_loop:
    mov     x0, x19
    mov     x1, #0
    mov     x7, #FB_SYS_RECV
fb_pool_wait:
    svc     #0
fb_pool_got:
    cbnz    x1, fb_helper_dead
    mov     x20, x0
fb_pool_next:
    cbz     x20, fb_pool_loop
    rbit    x22, x20
    clz     x22, x22
    mov     x23, #1
    lsl     x23, x23, x22
    add     x0, x21, x22
    mov     x1, #1
    mov     x2, #1
    mov     x7, #FB_SYS_SEND
fb_pool_svc:
    svc     #0
fb_pool_sent:
    bic     x20, x20, x23
    b       fb_pool_next

/* Wait failed (the notification cap is gone): nothing was taken; suspend for good. */
fb_helper_dead:
    mov     x20, #0
    mov     x21, #0
    mov     x0, x24
    mov     x1, x25
    mov     x7, #FB_SYS_CALL
    svc     #0
    b       fb_helper_dead

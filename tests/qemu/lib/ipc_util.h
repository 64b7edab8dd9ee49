/*
 * Helpers shared by the IPC, notification, fault, IRQ and fastpath tests and by the
 * micro-benchmark, on top of kobj.h (which they use and never change):
 *
 *   caps      Mint/Copy into a fresh root slot
 *   threads   make-and-start in one call; a raw syscall that returns the message info
 *   timers    the generic timer as EL0 sees it (CNTVCT, CNTFRQ, the virtual timer)
 *   watchdog  a lowest-priority thread that ends the run with a failure when no test
 *             thread has made progress for seconds (a blocking call that never returns
 *             would otherwise hang the run and hide every later check)
 *   spaces    a thread in an address space of its own, running a small copied loop that
 *             signals once, then waits forever and records each wake-up in a shared page
 *
 * Threads made here share the root task's CSpace; kobj threads have no TLS, so their code
 * must not use printf or errno.
 */
#ifndef IPC_UTIL_H
#define IPC_UTIL_H

#include <stdbool.h>
#include "kobj.h"

/* ---- Capabilities ---- */

/* A new root slot with a copy of src minted with rights and badge; 0 on failure. */
seL4_CPtr ipc_mint(seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge);
/* A new root slot with a copy of src with rights; 0 on failure. */
seL4_CPtr ipc_copy(seL4_CPtr src, seL4_CapRights_t rights);

/* ---- Threads and syscalls ---- */

/* kobj_thread_new + kobj_thread_start: a thread at prio running fn(arg). A thread above
 * the caller's priority runs at once, until it blocks or finishes. */
seL4_Error ipc_thread(struct kobj_thread *t, seL4_Word prio, const char *name,
                      void (*fn)(seL4_Word), seL4_Word arg);

/* Issues syscall sysno (seL4_SysSend, seL4_SysRecv, ...) on cap with info and message
 * registers 0..3 in registers only (no IPC buffer needed). Returns the message info the
 * kernel left in x1; *x0_out (if not NULL) gets x0 (the badge, for receives). */
seL4_MessageInfo_t ipc_syscall(seL4_Word sysno, seL4_CPtr cap, seL4_MessageInfo_t info,
                               seL4_Word *x0_out);

/* ---- Messages and helper jobs ---- */

/* One message as a thread saw it. */
struct ipc_msg {
    seL4_Word badge; /* x0 after the syscall */
    seL4_Word label, length, extra_caps, caps_unwrapped;
    seL4_Word caps[seL4_MsgMaxExtraCaps]; /* caps_or_badges after the syscall */
    seL4_Word mr[seL4_MsgMaxLength];
};

/* Sets message registers 0..n-1 of the caller's IPC buffer to base, base+1, ... */
void ipc_set_mrs(seL4_Word n, seL4_Word base);
/* Whether m has message registers 0..n-1 equal to base, base+1, ... */
bool ipc_mrs_are(const struct ipc_msg *m, seL4_Word n, seL4_Word base);

/* Issues sysno on cap with info; message registers come from and go to the caller's IPC
 * buffer (so up to 120). Fills *m (if not NULL) with what came back and returns the
 * message info. */
seL4_MessageInfo_t ipc_xfer(seL4_Word sysno, seL4_CPtr cap, seL4_MessageInfo_t info,
                            struct ipc_msg *m);

/* One IPC system call done by a helper thread: message registers i = base + i, extra
 * caps, an optional receive slot, with or without an IPC buffer. The thread records what
 * came back in `got`, appends `id` to the order log and sets `done`. */
struct ipc_job {
    seL4_Word sysno; /* seL4_SysSend, NBSend, Call, Recv, NBRecv */
    seL4_CPtr cap;
    seL4_Word label, length, base;
    seL4_Word ncaps;
    seL4_CPtr caps[seL4_MsgMaxExtraCaps];
    seL4_CPtr recv_slot; /* receive path (root CNode slot); 0: none */
    bool no_buffer;      /* run without an IPC buffer: registers 0..3 only */
    seL4_Word id;
    struct kobj_thread thread;
    struct ipc_msg got;
    volatile seL4_Word done;
};

/* Order in which jobs finished (their ids). */
extern volatile seL4_Word ipc_order[16];
extern volatile seL4_Word ipc_order_len;
/* Whether ipc_order is exactly ids[0..n). */
bool ipc_order_is(const seL4_Word *ids, seL4_Word n);

/* Clears *j and fills in the call; returns j. */
struct ipc_job *ipc_job_init(struct ipc_job *j, seL4_Word id, seL4_Word sysno, seL4_CPtr cap,
                             seL4_Word label, seL4_Word length, seL4_Word base);
/* Runs j in a new thread at prio (see ipc_thread). */
seL4_Error ipc_job_start(struct ipc_job *j, seL4_Word prio);

/* Lets threads at priority prio or above run until they block: drops the calling (root)
 * thread to prio - 1 and raises it back to back_to. */
void ipc_run_below(seL4_Word prio, seL4_Word back_to);

/* ---- Generic timer ---- */

static inline seL4_Word ipc_now(void)
{
    seL4_Word v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v));
    return v;
}

static inline seL4_Word ipc_freq(void)
{
    seL4_Word v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

/* Counter ticks in ms milliseconds. */
static inline seL4_Word ipc_ms(seL4_Word ms)
{
    return ipc_freq() / 1000 * ms;
}

/* Busy-waits until CNTVCT reaches deadline, or until *flag becomes non-zero (flag may be
 * NULL). Returns true if the flag was seen. */
bool ipc_spin_until(seL4_Word deadline, volatile seL4_Word *flag);

/* ---- Watchdog ---- */

/* Starts the watchdog thread at priority 1 (below every test thread). */
void ipc_watchdog_start(void);
/* Names the part of the test now running and counts as progress. */
void ipc_stage(const char *what);

/* ---- A thread in another address space ---- */

/* Layout of the page shared between the root task and an ipc_space thread. */
enum {
    IPC_SHARED_BADGE = 0,  /* badge of the last wake-up */
    IPC_SHARED_COUNT = 1,  /* number of wake-ups */
    IPC_SHARED_CYCLES = 2, /* PMCCNTR_EL0 right after the last wake-up (if asked for) */
};

struct ipc_space {
    seL4_CPtr vspace;           /* its own VSpace, with an ASID from the initial pool */
    seL4_CPtr tcb;              /* a thread in it, in the root task's CSpace */
    volatile seL4_Word *shared; /* the shared page as the root task sees it */
};

/* Builds the VSpace (copied code, shared page) and a thread at prio, not started. */
seL4_Error ipc_space_new(struct ipc_space *s, seL4_Word prio, const char *name);
/* Starts the thread: it signals signal_cap once (skipped if 0), then loops: Wait on
 * wait_cap, record the badge and a count (and PMCCNTR_EL0 if read_cycles: only on
 * kernels that let EL0 read it) in the shared page. */
seL4_Error ipc_space_start(struct ipc_space *s, seL4_CPtr signal_cap, seL4_CPtr wait_cap,
                           bool read_cycles);

#endif

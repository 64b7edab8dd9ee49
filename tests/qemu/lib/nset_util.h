/*
 * Helpers for the notification-set QEMU tests (test_nset_*.c), on top of kobj.h and
 * ipc_util.h (which they use and never change):
 *
 *   objects   sets, runs of notifications in consecutive root slots, polling shorthands
 *   events    comparing the (token, word) pairs a Wait/Poll returned with what a test
 *             expects
 *   jobs      a thread that does one or more Wait/Poll calls on a set and records what
 *             came back (like ipc_job for endpoints)
 *   cspace    a two-level CSpace for the root task (and any thread that adopts it): the
 *             boot CNode keeps cptrs 0..4095, and one big CNode of 2^bits slots is reached
 *             at cptrs (1 << bits) + i, for tens of thousands of member caps
 *   spaces    a thread in an address space of its own that runs C code of this image: the
 *             image's frames are mapped there too (so code and globals are shared), plus
 *             its own stack and IPC buffer; only the VSpace (ASID, page tables) differs
 *
 * Threads made here have no TLS: their code must not use printf or errno.
 */
#ifndef NSET_UTIL_H
#define NSET_UTIL_H

#include <stdbool.h>
#include "ipc_util.h"

/* ---- Objects ---- */

/* A notification set of size_bits (capacity 2^size_bits - 2) in a fresh root slot; 0 on
 * failure. */
seL4_CPtr nset_new(seL4_Word size_bits);
/* n notifications in n consecutive fresh root slots (the first is returned; 0 on failure),
 * retyped from a private untyped. */
seL4_CPtr nset_ntfns(seL4_Word n);
/* seL4_Poll on a notification: its word (0 if idle). */
seL4_Word nset_ntfn_poll(seL4_CPtr ntfn);

/* ---- Events ---- */

/* Whether ev[0..n) is exactly (tokens[i], words[i]) for i < n. */
bool nset_events_are(const seL4_NotificationSetEvent *ev, int n, const seL4_Word *tokens,
                     const seL4_Word *words);
/* Polls the set with max until it returns 0 (or an error, or cap events are stored);
 * stores the events in out and returns how many (or minus the error of a failed Poll). */
int nset_drain(seL4_CPtr set, seL4_Word max, seL4_NotificationSetEvent *out, int cap);

/* ---- Jobs: threads waiting on a set ---- */

struct nset_job {
    seL4_CPtr set;
    seL4_Word max;
    bool poll;        /* Poll instead of Wait */
    bool no_buffer;   /* run without an IPC buffer */
    seL4_Word rounds; /* calls to make (0 means 1) */
    seL4_Word id;     /* appended to nset_order after each call */
    struct kobj_thread thread;
    int n; /* result of the last call: events, or minus an error */
    seL4_NotificationSetEvent ev[seL4_NotificationSetMaxEvents];
    seL4_Word events;        /* events received over all calls */
    volatile seL4_Word done; /* calls completed */
};

/* Ids of jobs in the order their calls returned. */
extern volatile seL4_Word nset_order[32];
extern volatile seL4_Word nset_order_len;

/* The body of a job thread (arg: the job); also usable with kobj_thread_start on a thread
 * made elsewhere, such as an nset_space thread. */
void nset_job_main(seL4_Word job);
/* Clears *j and fills in the call; returns j. */
struct nset_job *nset_job_init(struct nset_job *j, seL4_Word id, seL4_CPtr set, seL4_Word max);
/* Runs j in a new thread (or in j->thread.tcb if set) at prio. */
seL4_Error nset_job_start(struct nset_job *j, seL4_Word prio);

/* ---- A two-level CSpace with one big CNode ---- */

/* Makes a CNode of 2^bits slots (bits >= 12) and switches the root task to a two-level
 * CSpace that reaches it. Returns the root slot of the big CNode's cap (0 on failure);
 * CNode operations name its slots as (that cap, i, bits). */
seL4_CPtr nset_cspace_init(unsigned bits);
/* The cptr of slot i of the big CNode. */
seL4_CPtr nset_big(seL4_Word i);
/* Gives thread tcb (running in vspace) the root task's two-level CSpace. */
seL4_Error nset_cspace_adopt(seL4_CPtr tcb, seL4_CPtr vspace);
/* Retypes n objects from untyped ut into big slots [first, first + n), 256 per call. */
seL4_Error nset_big_retype(seL4_CPtr ut, seL4_Word type, seL4_Word first, seL4_Word n);
/* Mints (rights, badge) a copy of big slot src into big slot dest. */
seL4_Error nset_big_mint(seL4_Word dest, seL4_Word src, seL4_CapRights_t rights, seL4_Word badge);

/* ---- A thread in an address space of its own ---- */

struct nset_space {
    seL4_CPtr vspace;
    struct kobj_thread thread; /* its stack and IPC buffer are mapped in both spaces */
};

/* Builds the VSpace (with the image's frames) and a thread at prio in it, in the root
 * CSpace; not started. Start it with kobj_thread_start(&s->thread, fn, arg). */
seL4_Error nset_space_new(struct nset_space *s, seL4_Word prio, const char *name);

#endif

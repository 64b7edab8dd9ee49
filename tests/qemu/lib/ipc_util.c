/* Helpers for the IPC-family tests and the micro-benchmark (see ipc_util.h). */
#include "ipc_util.h"
#include "testlib.h"
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ---- Capabilities ---- */

seL4_CPtr ipc_mint(seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge)
{
    seL4_CPtr slot = kobj_slot();
    if (seL4_CNode_Mint(KOBJ_ROOT, slot, KOBJ_DEPTH, KOBJ_ROOT, src, KOBJ_DEPTH, rights, badge) !=
        seL4_NoError)
        return 0;
    return slot;
}

seL4_CPtr ipc_copy(seL4_CPtr src, seL4_CapRights_t rights)
{
    seL4_CPtr slot = kobj_slot();
    return kobj_copy(slot, src, rights) == seL4_NoError ? slot : 0;
}

/* ---- Threads and syscalls ---- */

seL4_Error ipc_thread(struct kobj_thread *t, seL4_Word prio, const char *name,
                      void (*fn)(seL4_Word), seL4_Word arg)
{
    seL4_Error err = kobj_thread_new(t, prio, name);
    return err != seL4_NoError ? err : kobj_thread_start(t, fn, arg);
}

seL4_MessageInfo_t ipc_syscall(seL4_Word sysno, seL4_CPtr cap, seL4_MessageInfo_t info,
                               seL4_Word *x0_out)
{
    seL4_Word x0 = cap, m0 = 0, m1 = 0, m2 = 0, m3 = 0;
    info = seL4_Syscall_(sysno, &x0, info, &m0, &m1, &m2, &m3);
    if (x0_out)
        *x0_out = x0;
    return info;
}

/* ---- Messages and helper jobs ---- */

volatile seL4_Word ipc_order[16];
volatile seL4_Word ipc_order_len;

void ipc_set_mrs(seL4_Word n, seL4_Word base)
{
    for (seL4_Word i = 0; i < n; i++)
        seL4_SetMR((int)i, base + i);
}

bool ipc_mrs_are(const struct ipc_msg *m, seL4_Word n, seL4_Word base)
{
    for (seL4_Word i = 0; i < n; i++) {
        if (m->mr[i] != base + i)
            return false;
    }
    return true;
}

/* Copies the outcome of a syscall (x0, info, buffer) into *m. */
static void record(struct ipc_msg *m, seL4_Word x0, seL4_MessageInfo_t info,
                   const seL4_IPCBuffer *b)
{
    m->badge = x0;
    m->label = seL4_MessageInfo_get_label(info);
    m->length = seL4_MessageInfo_get_length(info);
    m->extra_caps = seL4_MessageInfo_get_extraCaps(info);
    m->caps_unwrapped = seL4_MessageInfo_get_capsUnwrapped(info);
    for (seL4_Word i = 0; i < m->length && i < seL4_MsgMaxLength; i++)
        m->mr[i] = b->msg[i];
    for (int i = 0; i < seL4_MsgMaxExtraCaps; i++)
        m->caps[i] = b->caps_or_badges[i];
}

seL4_MessageInfo_t ipc_xfer(seL4_Word sysno, seL4_CPtr cap, seL4_MessageInfo_t info,
                            struct ipc_msg *m)
{
    seL4_IPCBuffer *b = seL4_GetIPCBuffer();
    seL4_Word x0 = cap;
    info = seL4_Syscall_(sysno, &x0, info, seL4_IPCBufferMRs_(b));
    if (m)
        record(m, x0, info, b);
    return info;
}

bool ipc_order_is(const seL4_Word *ids, seL4_Word n)
{
    if (ipc_order_len != n)
        return false;
    for (seL4_Word i = 0; i < n; i++) {
        if (ipc_order[i] != ids[i])
            return false;
    }
    return true;
}

/* Body of every job thread. Without an IPC buffer only registers 0..3 travel. */
static void job_main(seL4_Word arg)
{
    struct ipc_job *j = (struct ipc_job *)arg;
    seL4_MessageInfo_t info = seL4_MessageInfo_new(j->label, 0, j->ncaps, j->length);
    if (j->no_buffer) {
        seL4_Word x0 = j->cap, m[4];
        for (int i = 0; i < 4; i++)
            m[i] = j->base + (seL4_Word)i;
        info = seL4_Syscall_(j->sysno, &x0, info, &m[0], &m[1], &m[2], &m[3]);
        j->got.badge = x0;
        j->got.label = seL4_MessageInfo_get_label(info);
        j->got.length = seL4_MessageInfo_get_length(info);
        for (int i = 0; i < 4; i++)
            j->got.mr[i] = m[i];
    } else {
        ipc_set_mrs(j->length, j->base);
        for (seL4_Word i = 0; i < j->ncaps; i++)
            seL4_SetCap((int)i, j->caps[i]);
        if (j->recv_slot)
            seL4_SetCapReceivePath(KOBJ_ROOT, j->recv_slot, KOBJ_DEPTH);
        ipc_xfer(j->sysno, j->cap, info, &j->got);
    }
    if (ipc_order_len < sizeof(ipc_order) / sizeof(ipc_order[0]))
        ipc_order[ipc_order_len++] = j->id;
    j->done = 1;
}

struct ipc_job *ipc_job_init(struct ipc_job *j, seL4_Word id, seL4_Word sysno, seL4_CPtr cap,
                             seL4_Word label, seL4_Word length, seL4_Word base)
{
    memset(j, 0, sizeof(*j));
    j->id = id;
    j->sysno = sysno;
    j->cap = cap;
    j->label = label;
    j->length = length;
    j->base = base;
    return j;
}

seL4_Error ipc_job_start(struct ipc_job *j, seL4_Word prio)
{
    j->done = 0;
    seL4_Error err = kobj_thread_new(&j->thread, prio, "ipcjob");
    if (err == seL4_NoError && j->no_buffer)
        err = seL4_TCB_SetIPCBuffer(j->thread.tcb, 0, seL4_CapNull);
    if (err == seL4_NoError)
        err = kobj_thread_start(&j->thread, job_main, (seL4_Word)j);
    return err;
}

void ipc_run_below(seL4_Word prio, seL4_Word back_to)
{
    kobj_set_my_prio(prio - 1);
    kobj_set_my_prio(back_to);
}

/* ---- Generic timer ---- */

bool ipc_spin_until(seL4_Word deadline, volatile seL4_Word *flag)
{
    while (ipc_now() < deadline) {
        if (flag && *flag)
            return true;
    }
    return flag && *flag;
}

/* ---- Watchdog ---- */

#define WATCHDOG_SECONDS 3

static const char *volatile stage_name = "start";
static volatile seL4_Word progress;

void ipc_stage(const char *what)
{
    stage_name = what;
    progress++;
}

/* Runs only when every other thread is blocked (it has the lowest priority). A gap of
 * more than a millisecond between two reads of the counter means someone else ran; a
 * quiet stretch of WATCHDOG_SECONDS with no gap and no ipc_stage() is a hang. */
static void watchdog(seL4_Word unused)
{
    (void)unused;
    seL4_Word limit = ipc_freq() * WATCHDOG_SECONDS, gap = ipc_ms(1);
    seL4_Word seen = progress, last = ipc_now(), quiet_since = last;
    for (;;) {
        seL4_Word now = ipc_now();
        if (progress != seen || now - last > gap) {
            seen = progress;
            quiet_since = now;
        }
        last = now;
        if (now - quiet_since > limit) {
            char what[160];
            snprintf(what, sizeof(what),
                     "watchdog: every thread blocked for %d s in '%s' (a call never returned)",
                     WATCHDOG_SECONDS, stage_name);
            CHECK(0, what);
            test_finish();
        }
    }
}

void ipc_watchdog_start(void)
{
    static struct kobj_thread wd;
    seL4_Word tls;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(tls));
    /* It prints: give it the root task's TLS block (everyone else is blocked then). */
    if (kobj_thread_new(&wd, 1, "watchdog") != seL4_NoError ||
        seL4_TCB_SetTLSBase(wd.tcb, tls) != seL4_NoError ||
        kobj_thread_start(&wd, watchdog, 0) != seL4_NoError)
        printf("ipc_util: could not start the watchdog\n");
}

/* ---- A thread in another address space ---- */

#define SPACE_CODE_VA 0x10000000ull
#define SPACE_DATA_VA (SPACE_CODE_VA + 0x1000)

_Static_assert(seL4_SysSend == -3 && seL4_SysRecv == -5, "numbers used in ipc_space_code");
_Static_assert(IPC_SHARED_BADGE == 0 && IPC_SHARED_COUNT == 1 && IPC_SHARED_CYCLES == 2,
               "offsets used in ipc_space_code");

/* The loop an ipc_space thread runs (position independent, copied into its own page):
 * x19 = cap to signal once (0: none), x20 = cap to wait on, x21 = shared page,
 * x22 = read PMCCNTR_EL0 after each wake-up. */
extern const char ipc_space_code[], ipc_space_code_end[];
__asm__(".pushsection .text.ipc_space_code, \"ax\"\n"
        ".balign 16\n"
        ".global ipc_space_code\n"
        "ipc_space_code:\n"
        "  cbz x19, 1f\n"
        "  mov x0, x19\n"
        "  mov x1, #0\n"
        "  mov x7, #-3\n" /* seL4_Signal */
        "  svc #0\n"
        "1:\n"
        "  mov x0, x20\n"
        "  mov x1, #0\n"
        "  mov x7, #-5\n" /* seL4_Wait */
        "  svc #0\n"
        "  cbz x22, 2f\n"
        "  isb\n"
        "  mrs x9, pmccntr_el0\n"
        "  str x9, [x21, #16]\n"
        "2:\n"
        "  str x0, [x21]\n"
        "  ldr x9, [x21, #8]\n"
        "  add x9, x9, #1\n"
        "  str x9, [x21, #8]\n"
        "  b 1b\n"
        ".global ipc_space_code_end\n"
        "ipc_space_code_end:\n"
        ".popsection\n");

seL4_Error ipc_space_new(struct ipc_space *s, seL4_Word prio, const char *name)
{
    seL4_CPtr code_frame, data_frame;
    s->vspace = kobj_new(seL4_ARM_VSpaceObject, 0);
    s->tcb = kobj_new(seL4_TCBObject, 0);
    char *code = kobj_new_page(&code_frame);
    void *data = kobj_new_page(&data_frame);
    if (!s->vspace || !s->tcb || !code || !data)
        return seL4_NotEnoughMemory;
    seL4_Error err = seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, s->vspace);
    if (err != seL4_NoError)
        return err;

    /* The code is copied through the root task's mapping and run through a read-only one
     * in the new VSpace. QEMU keeps instruction fetches coherent with these stores. */
    memcpy(code, ipc_space_code, (size_t)(ipc_space_code_end - ipc_space_code));
    seL4_CPtr code_copy = ipc_copy(code_frame, seL4_AllRights);
    seL4_CPtr data_copy = ipc_copy(data_frame, seL4_AllRights);
    if (!code_copy || !data_copy)
        return seL4_InvalidCapability;
    err =
        kobj_map(code_copy, s->vspace, SPACE_CODE_VA, seL4_CanRead, seL4_ARM_Default_VMAttributes);
    if (err == seL4_NoError)
        err = kobj_map(data_copy, s->vspace, SPACE_DATA_VA, seL4_ReadWrite,
                       seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever);
    if (err != seL4_NoError)
        return err;
    s->shared = data;

    err = seL4_TCB_Configure(s->tcb, seL4_CapNull, KOBJ_ROOT, 0, s->vspace, 0, 0, seL4_CapNull);
    if (err == seL4_NoError)
        err = seL4_TCB_SetPriority(s->tcb, seL4_CapInitThreadTCB, prio);
    if (err == seL4_NoError)
        seL4_DebugNameThread(s->tcb, name);
    return err;
}

seL4_Error ipc_space_start(struct ipc_space *s, seL4_CPtr signal_cap, seL4_CPtr wait_cap,
                           bool read_cycles)
{
    seL4_UserContext regs;
    memset(&regs, 0, sizeof(regs));
    regs.pc = SPACE_CODE_VA;
    regs.x19 = signal_cap;
    regs.x20 = wait_cap;
    regs.x21 = SPACE_DATA_VA;
    regs.x22 = read_cycles;
    seL4_Word count = offsetof(seL4_UserContext, x22) / sizeof(seL4_Word) + 1;
    return seL4_TCB_WriteRegisters(s->tcb, 1, 0, count, &regs);
}

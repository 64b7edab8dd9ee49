/*
 * TCB invocations (docs/kernel-api.md, "TCB"):
 *  - Configure and its errors (CSpace not a CNode, VSpace not a VSpace with an ASID,
 *    buffer frame not a frame, misaligned buffer, guard too large, missing arguments); a
 *    failing Configure leaves the old IPC buffer in place;
 *  - SetIPCBuffer: seL4_GetIPCBuffer() in the thread returns it, and the kernel reads the
 *    thread's extra caps from it;
 *  - priorities and MCP: RangeError above the authority's MCP, InvalidCapability for an
 *    authority that is not a TCB, a refused SetPriority changes nothing;
 *  - Suspend / Resume (repeating either changes nothing);
 *  - Read/WriteRegisters: round trip of all 36 words, spsr sanitised, partial counts,
 *    resume_target, suspend_source on a thread preempted mid-loop, RangeError for
 *    count 0 / 37 (write: 37), IllegalOperation on the caller itself;
 *  - SetTLSBase sets tpidr_el0;
 *  - a thread that faults on an unmapped address is reported and becomes inactive while
 *    the root task continues; Resume restarts it at the faulting load, which then succeeds
 *    once the page is mapped (tests.cmake expects the report);
 *  - deleting a running thread's last TCB cap stops it, also when the thread deletes it;
 *  - once a thread's IPC buffer frame is deleted and its memory reused, the kernel does
 *    not write the thread's replies there.
 * Scheduling order and FP state are in test_tcb_sched.c.
 */
#include <stdio.h>
#include "kobj.h"
#include "testlib.h"

#define ROOT_PRIO 100
#define HIGH_PRIO 150
#define FAULT_VA  0xdead000ull /* named in tests.cmake */
#define NWORDS    (sizeof(seL4_UserContext) / sizeof(seL4_Word))

static seL4_CPtr ntfn;
static volatile seL4_Word result, step, counter;
static volatile seL4_Word copy_dest;

static void report_ipc_buffer(seL4_Word unused)
{
    (void)unused;
    result = (seL4_Word)seL4_GetIPCBuffer();
}

/* Copies ntfn to copy_dest: the extra cap travels in the thread's IPC buffer. */
static void copy_through_ipc_buffer(seL4_Word unused)
{
    (void)unused;
    result = kobj_copy(copy_dest, ntfn, seL4_AllRights);
    step = 1;
}

static void report_tls(seL4_Word unused)
{
    (void)unused;
    seL4_Word v;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(v));
    result = v;
}

static void count_forever(seL4_Word unused)
{
    (void)unused;
    for (;;) {
        counter++;
        seL4_Yield();
    }
}

static void set_step(seL4_Word v)
{
    step = v;
}

static void delete_self(seL4_Word slot)
{
    step = 1;
    kobj_delete(slot);
    step = 2;
}

/* Sets x19..x28 to 0x19..0x28 and x9 to 0, then counts in x9 forever. */
void regs_spin(void);
__asm__(".text\n"
        ".global regs_spin\n"
        "regs_spin:\n"
        "  mov x19, #0x19\n  mov x20, #0x20\n  mov x21, #0x21\n  mov x22, #0x22\n"
        "  mov x23, #0x23\n  mov x24, #0x24\n  mov x25, #0x25\n  mov x26, #0x26\n"
        "  mov x27, #0x27\n  mov x28, #0x28\n  mov x9, #0\n"
        "1: add x9, x9, #1\n"
        "  b 1b\n");

static bool stopped(volatile seL4_Word *c)
{
    seL4_Word before = *c;
    for (int k = 0; k < 200; k++)
        seL4_Yield();
    return *c == before;
}

static void test_configure(void)
{
    seL4_CPtr t = kobj_new(seL4_TCBObject, 0), fa, fb;
    seL4_Word a = (seL4_Word)kobj_new_page(&fa), b = (seL4_Word)kobj_new_page(&fb);
    seL4_CPtr vs = kobj_new(seL4_ARM_VSpaceObject, 0), root_vs = seL4_CapInitThreadVSpace;

    CHECK_EQ(seL4_TCB_Configure(t, 0, KOBJ_ROOT, 0, root_vs, 0, a, fa), seL4_NoError,
             "Configure a TCB with the root CSpace, VSpace and an IPC buffer");
    CHECK_EQ(seL4_TCB_Configure(t, 0, ntfn, 0, root_vs, 0, b, fb), seL4_IllegalOperation,
             "Configure with a CSpace root that is not a CNode: IllegalOperation");
    CHECK_EQ(seL4_TCB_Configure(t, 0, KOBJ_ROOT, 0, KOBJ_ROOT, 0, b, fb), seL4_IllegalOperation,
             "Configure with a VSpace root that is a CNode: IllegalOperation");
    CHECK_EQ(seL4_TCB_Configure(t, 0, KOBJ_ROOT, 0, vs, 0, b, fb), seL4_IllegalOperation,
             "Configure with a VSpace that has no ASID: IllegalOperation");
    CHECK_EQ(seL4_TCB_Configure(t, 0, KOBJ_ROOT, 0, root_vs, 0, b, ntfn), seL4_IllegalOperation,
             "Configure with a buffer frame that is a notification: IllegalOperation");
    CHECK_EQ(seL4_TCB_Configure(t, 0, KOBJ_ROOT, 0, root_vs, 0, b + 8, fb), seL4_AlignmentError,
             "Configure with a buffer not aligned to 2^10: AlignmentError");
    CHECK_EQ(seL4_TCB_Configure(t, 0, KOBJ_ROOT, seL4_CNode_CapData_new(0, 60), root_vs, 0, b, fb),
             seL4_InvalidArgument, "Configure with guard size 60 + radix 12: InvalidArgument");
    CHECK_EQ(seL4_TCB_Configure(kobj_slot(), 0, KOBJ_ROOT, 0, root_vs, 0, b, fb),
             seL4_InvalidCapability, "Configure on an empty slot: InvalidCapability");
    seL4_Word mr[4] = {0, 0, 0, b};
    seL4_SetCap(0, KOBJ_ROOT);
    seL4_SetCap(1, root_vs);
    CHECK_EQ(seL4_Invoke_(t, TCBConfigure, 2, 4, mr, NULL), seL4_TruncatedMessage,
             "Configure with 2 of its 3 extra caps: TruncatedMessage");
    seL4_Word mr3[4] = {0, 0, 0, b};
    seL4_SetCap(0, KOBJ_ROOT);
    seL4_SetCap(1, root_vs);
    seL4_SetCap(2, fb);
    CHECK_EQ(seL4_Invoke_(t, TCBConfigure, 3, 3, mr3, NULL), seL4_TruncatedMessage,
             "Configure with 3 of its 4 message registers: TruncatedMessage");

    /* The thread still has buffer a. */
    struct kobj_thread th = {.tcb = t};
    CHECK_EQ(kobj_thread_new(&th, HIGH_PRIO, "ipcbuf"), seL4_NoError, "a kobj thread on that TCB");
    CHECK_EQ(seL4_TCB_Configure(t, 0, KOBJ_ROOT, 0, root_vs, 0, a, fa), seL4_NoError,
             "Configure it back to buffer a");
    CHECK_EQ(seL4_TCB_Configure(t, 0, KOBJ_ROOT, 0, root_vs, 0, b + 8, fb), seL4_AlignmentError,
             "a failing Configure with buffer b");
    result = 0;
    kobj_thread_start(&th, report_ipc_buffer, 0);
    CHECK_EQ(result, a, "the thread's seL4_GetIPCBuffer() is still a");

    CHECK_EQ(seL4_TCB_SetIPCBuffer(t, b, fb), seL4_NoError, "SetIPCBuffer to b");
    CHECK_EQ(seL4_TCB_SetIPCBuffer(t, a + 8, fa), seL4_AlignmentError,
             "SetIPCBuffer with a misaligned buffer: AlignmentError");
    CHECK_EQ(seL4_TCB_SetIPCBuffer(t, a, ntfn), seL4_IllegalOperation,
             "SetIPCBuffer with a notification as frame: IllegalOperation");
    result = 0;
    kobj_thread_start(&th, report_ipc_buffer, 0);
    CHECK_EQ(result, b, "after SetIPCBuffer the thread's seL4_GetIPCBuffer() is b");
    copy_dest = kobj_slot();
    step = 0;
    kobj_thread_start(&th, copy_through_ipc_buffer, 0);
    CHECK(step == 1 && result == seL4_NoError, "the thread's CNode_Copy through buffer b worked");
    CHECK_EQ(kobj_type(copy_dest), seL4_CapType_Notification,
             "the kernel read the extra cap from the new IPC buffer");
    CHECK_EQ(seL4_TCB_SetIPCBuffer(t, 0, seL4_CapNull), seL4_NoError,
             "SetIPCBuffer with no frame (cptr 0) is allowed");
}

static void test_priorities(void)
{
    seL4_CPtr t = kobj_new(seL4_TCBObject, 0), auth = kobj_new(seL4_TCBObject, 0);
    seL4_CPtr root = seL4_CapInitThreadTCB;
    CHECK_EQ(seL4_TCB_SetPriority(t, auth, 1), seL4_RangeError,
             "a new TCB has MCP 0: priority 1 with it as authority is RangeError");
    CHECK_EQ(seL4_TCB_SetPriority(t, auth, 0), seL4_NoError, "priority 0 is allowed");
    CHECK_EQ(seL4_TCB_SetMCPriority(auth, root, 50), seL4_NoError, "give the authority MCP 50");
    CHECK_EQ(seL4_TCB_SetPriority(t, auth, 50), seL4_NoError, "priority 50 under MCP 50");
    CHECK_EQ(seL4_TCB_SetPriority(t, auth, 51), seL4_RangeError, "priority 51 under MCP 50");
    CHECK_EQ(seL4_TCB_SetMCPriority(t, auth, 50), seL4_NoError, "MCP 50 under MCP 50");
    CHECK_EQ(seL4_TCB_SetMCPriority(t, auth, 51), seL4_RangeError, "MCP 51 under MCP 50");
    CHECK_EQ(seL4_TCB_SetSchedParams(t, auth, 50, 40), seL4_NoError, "SetSchedParams 50/40");
    CHECK_EQ(seL4_TCB_SetSchedParams(t, auth, 51, 40), seL4_RangeError,
             "SetSchedParams with MCP 51: RangeError");
    CHECK_EQ(seL4_TCB_SetSchedParams(t, auth, 40, 51), seL4_RangeError,
             "SetSchedParams with priority 51: RangeError");
    CHECK_EQ(seL4_TCB_SetPriority(t, root, 256), seL4_RangeError,
             "priority 256 (above the root's MCP 255): RangeError");
    CHECK_EQ(seL4_TCB_SetPriority(t, ntfn, 1), seL4_InvalidCapability,
             "an authority that is not a TCB: InvalidCapability");
    CHECK_EQ(seL4_TCB_SetPriority(t, kobj_slot(), 1), seL4_InvalidCapability,
             "an empty authority slot: InvalidCapability");
    seL4_Word mr[1] = {1};
    CHECK_EQ(seL4_Invoke_(t, TCBSetPriority, 0, 1, mr, NULL), seL4_TruncatedMessage,
             "SetPriority without the authority cap: TruncatedMessage");
    seL4_SetCap(0, root);
    CHECK_EQ(seL4_Invoke_(t, TCBSetPriority, 1, 0, mr, NULL), seL4_TruncatedMessage,
             "SetPriority without the priority: TruncatedMessage");
    CHECK_EQ(seL4_Invoke_(t, CNodeCopy, 0, 0, mr, NULL), seL4_IllegalOperation,
             "a CNode label on a TCB cap: IllegalOperation");

    /* A refused SetPriority leaves the thread at HIGH_PRIO: it preempts us on Resume. */
    struct kobj_thread th = {0};
    kobj_thread_new(&th, HIGH_PRIO, "prio");
    CHECK_EQ(seL4_TCB_SetPriority(th.tcb, auth, 60), seL4_RangeError,
             "lowering a thread to 60 under MCP 50 is refused");
    step = 0;
    kobj_thread_start(&th, set_step, 7);
    CHECK_EQ(step, 7, "the thread kept its high priority: it ran at once on Resume");
}

static void test_suspend_resume(void)
{
    struct kobj_thread th = {0};
    counter = 0;
    kobj_thread_new(&th, ROOT_PRIO, "counter");
    kobj_thread_start(&th, count_forever, 0);
    CHECK(kobj_wait_until(&counter, 3), "a thread at our priority runs and counts");
    CHECK_EQ(seL4_TCB_Suspend(th.tcb), seL4_NoError, "Suspend it");
    CHECK(stopped(&counter), "a suspended thread does not run");
    CHECK_EQ(seL4_TCB_Suspend(th.tcb), seL4_NoError, "Suspend an inactive thread again");
    CHECK_EQ(seL4_TCB_Resume(th.tcb), seL4_NoError, "Resume it");
    CHECK(!stopped(&counter), "the resumed thread runs again");
    CHECK_EQ(seL4_TCB_Resume(th.tcb), seL4_NoError, "Resume a running thread");
    CHECK(!stopped(&counter), "it still runs (once)");
    CHECK_EQ(kobj_delete(th.tcb), seL4_NoError, "Delete the running thread's only TCB cap");
    CHECK(stopped(&counter), "deleting a running thread's last TCB cap stops it");

    struct kobj_thread self = {0};
    kobj_thread_new(&self, HIGH_PRIO, "selfdel");
    step = 0;
    kobj_thread_start(&self, delete_self, self.tcb);
    CHECK_EQ(step, 1, "a thread that deletes its own last TCB cap never returns from Delete");
    CHECK_EQ(kobj_type(self.tcb), seL4_CapType_Null, "its TCB cap is gone");
}

static void test_registers(void)
{
    seL4_UserContext w, r;
    seL4_Word *wv = (seL4_Word *)&w, *rv = (seL4_Word *)&r;
    struct kobj_thread th = {0};
    kobj_thread_new(&th, ROOT_PRIO, "regs");

    for (unsigned i = 0; i < NWORDS; i++)
        wv[i] = 0x1000 + i;
    w.spsr = 0x3c5; /* EL1h with DAIF masked: must be sanitised */
    CHECK_EQ(seL4_TCB_WriteRegisters(th.tcb, 0, 0, NWORDS, &w), seL4_NoError,
             "WriteRegisters of all 36 words");
    CHECK_EQ(seL4_TCB_ReadRegisters(th.tcb, 0, 0, NWORDS, &r), seL4_NoError,
             "ReadRegisters of all 36 words");
    unsigned differ = 0;
    for (unsigned i = 0; i < NWORDS - 1; i++)
        differ += i != 2 && rv[i] != wv[i];
    CHECK_EQ(differ, 0, "pc, sp, x0..x30 and tpidr_el0 round-trip");
    CHECK_EQ(r.spsr & 0x3df, 0, "spsr is sanitised to EL0t with interrupts unmasked");
    w.spsr = 0xf00003c5; /* NZCV set */
    seL4_TCB_WriteRegisters(th.tcb, 0, 0, 3, &w);
    seL4_TCB_ReadRegisters(th.tcb, 0, 0, 3, &r);
    CHECK_EQ(r.spsr, 0xf0000000, "spsr keeps only the condition flags");

    seL4_UserContext w2 = {.pc = 0x2000, .sp = 0x2008, .spsr = 0, .x0 = 0x2018, .x1 = 0x9999};
    CHECK_EQ(seL4_TCB_WriteRegisters(th.tcb, 0, 0, 4, &w2), seL4_NoError,
             "WriteRegisters of the first 4 words");
    seL4_TCB_ReadRegisters(th.tcb, 0, 0, NWORDS, &r);
    CHECK(r.pc == 0x2000 && r.sp == 0x2008 && r.x0 == 0x2018, "the 4 words changed");
    CHECK(r.x1 == w.x1 && r.x28 == w.x28, "the other words did not");
    seL4_UserContext r1 = {0};
    CHECK_EQ(seL4_TCB_ReadRegisters(th.tcb, 0, 0, 1, &r1), seL4_NoError, "ReadRegisters of 1 word");
    CHECK(r1.pc == 0x2000 && r1.sp == 0, "it returns only pc");

    CHECK_EQ(seL4_TCB_ReadRegisters(th.tcb, 0, 0, 0, &r), seL4_RangeError,
             "ReadRegisters with count 0: RangeError");
    CHECK_EQ(seL4_TCB_ReadRegisters(th.tcb, 0, 0, NWORDS + 1, &r), seL4_RangeError,
             "ReadRegisters with count 37: RangeError");
    CHECK_EQ(seL4_TCB_WriteRegisters(th.tcb, 0, 0, NWORDS + 1, &w), seL4_RangeError,
             "WriteRegisters with count 37: RangeError");
    CHECK_EQ(seL4_TCB_WriteRegisters(th.tcb, 0, 0, 0, &w), seL4_NoError,
             "WriteRegisters with count 0 is allowed");
    CHECK_EQ(seL4_TCB_ReadRegisters(seL4_CapInitThreadTCB, 0, 0, 4, &r), seL4_IllegalOperation,
             "ReadRegisters of the calling thread: IllegalOperation");
    CHECK_EQ(seL4_TCB_WriteRegisters(seL4_CapInitThreadTCB, 0, 0, 4, &w), seL4_IllegalOperation,
             "WriteRegisters of the calling thread: IllegalOperation");
    seL4_TCB_ReadRegisters(th.tcb, 0, 0, NWORDS, &r);
    CHECK(r.pc == 0x2000 && r.x1 == w.x1, "the refused calls and count 0 changed no register");

    /* resume_target starts the thread; suspend_source stops it mid-loop. */
    seL4_UserContext go = {.pc = (seL4_Word)regs_spin, .sp = th.stack_top, .x0 = 0xabc};
    CHECK_EQ(seL4_TCB_WriteRegisters(th.tcb, 1, 0, 4, &go), seL4_NoError,
             "WriteRegisters with resume_target");
    for (int k = 0; k < 20; k++)
        seL4_Yield();
    CHECK_EQ(seL4_TCB_ReadRegisters(th.tcb, 1, 0, NWORDS, &r), seL4_NoError,
             "ReadRegisters with suspend_source of the preempted thread");
    CHECK(r.x9 > 0, "the thread ran (resume_target resumed it)");
    CHECK(r.x19 == 0x19 && r.x23 == 0x23 && r.x28 == 0x28 && r.x0 == 0xabc,
          "ReadRegisters shows the live callee-saved registers and x0");
    CHECK(r.pc >= (seL4_Word)regs_spin && r.pc < (seL4_Word)regs_spin + 64,
          "pc is inside the loop");
    for (int k = 0; k < 20; k++)
        seL4_Yield();
    seL4_UserContext r2;
    seL4_TCB_ReadRegisters(th.tcb, 0, 0, NWORDS, &r2);
    CHECK_EQ(r2.x9, r.x9, "suspend_source suspended it: x9 no longer counts");
    seL4_TCB_Resume(th.tcb);
    for (int k = 0; k < 20; k++)
        seL4_Yield();
    seL4_TCB_ReadRegisters(th.tcb, 1, 0, NWORDS, &r2);
    CHECK(r2.x9 > r.x9, "after Resume it counts again");
    kobj_delete(th.tcb);
}

static void test_tls(void)
{
    struct kobj_thread th = {0};
    kobj_thread_new(&th, HIGH_PRIO, "tls");
    CHECK_EQ(seL4_TCB_SetTLSBase(th.tcb, 0x7777000), seL4_NoError, "SetTLSBase");
    seL4_UserContext r;
    seL4_TCB_ReadRegisters(th.tcb, 0, 0, NWORDS, &r);
    CHECK_EQ(r.tpidr_el0, 0x7777000, "ReadRegisters shows it as tpidr_el0");
    result = 0;
    kobj_thread_start(&th, report_tls, 0);
    CHECK_EQ(result, 0x7777000, "the thread reads it from tpidr_el0");
    CHECK_EQ(seL4_TCB_SetTLSBase(kobj_slot(), 1), seL4_InvalidCapability,
             "SetTLSBase on an empty slot: InvalidCapability");
}

/* Reads 36 registers of another thread: the kernel writes message registers 4..35 into
 * the caller's IPC buffer, if it has one. */
static void read_registers_of(seL4_Word tcb)
{
    seL4_Word mr[2] = {0, NWORDS};
    result = seL4_Invoke_(tcb, TCBReadRegisters, 0, 2, mr, NULL);
    step = 1;
}

/* After the frame of a thread's IPC buffer is deleted and its memory reused, the kernel
 * must not write the thread's long replies into that memory. */
static void test_ipc_buffer_deleted(void)
{
    seL4_CPtr ut = kobj_untyped(12), f = kobj_slot(), g = kobj_slot();
    kobj_retype(ut, seL4_ARM_SmallPageObject, 0, f, 1);
    seL4_Word va = kobj_va(4096);
    kobj_map(f, seL4_CapInitThreadVSpace, va, seL4_ReadWrite, seL4_ARM_Default_VMAttributes);
    struct kobj_thread th = {0}, other = {0};
    kobj_thread_new(&th, HIGH_PRIO, "ipcgone");
    kobj_thread_new(&other, ROOT_PRIO, "other");
    CHECK_EQ(seL4_TCB_SetIPCBuffer(th.tcb, va, f), seL4_NoError,
             "a thread's IPC buffer is a frame from a private untyped");
    CHECK_EQ(kobj_revoke(ut), seL4_NoError, "Revoke the untyped: the frame is deleted");
    CHECK_EQ(kobj_retype(ut, seL4_ARM_SmallPageObject, 0, g, 1), seL4_NoError,
             "the same memory becomes a new frame");
    volatile seL4_Word *p = (volatile seL4_Word *)kobj_va(4096);
    kobj_map(g, seL4_CapInitThreadVSpace, (seL4_Word)p, seL4_ReadWrite,
             seL4_ARM_Default_VMAttributes);
    for (int i = 0; i < 512; i++)
        p[i] = 0xa5a5a5a5a5a5a5a5ull;
    step = 0;
    kobj_thread_start(&th, read_registers_of, other.tcb);
    CHECK(step == 1 && result == seL4_NoError, "the thread's ReadRegisters(36) succeeds");
    seL4_Word changed = 0;
    for (int i = 0; i < 512; i++)
        changed += p[i] != 0xa5a5a5a5a5a5a5a5ull;
    CHECK_EQ(changed, 0, "the kernel did not write into the deleted IPC buffer's memory");
}

static void load_fault_va(seL4_Word unused)
{
    (void)unused;
    step = 1;
    result = *(volatile seL4_Word *)FAULT_VA;
    step = 2;
}

static void test_fault(void)
{
    struct kobj_thread th = {0};
    kobj_thread_new(&th, HIGH_PRIO, "faulter");
    step = 0;
    kobj_thread_start(&th, load_fault_va, 0);
    CHECK_EQ(step, 1, "a thread loading from an unmapped address stops at the load");
    CHECK(1, "the root task continues after another thread's fault");
    CHECK(stopped(&step), "the faulted thread stays inactive");

    seL4_CPtr f = kobj_new(seL4_ARM_SmallPageObject, 0);
    CHECK_EQ(kobj_map(f, seL4_CapInitThreadVSpace, FAULT_VA, seL4_ReadWrite,
                      seL4_ARM_Default_VMAttributes),
             seL4_NoError, "map a page at the faulting address");
    *(volatile seL4_Word *)FAULT_VA = 0x600d;
    CHECK_EQ(seL4_TCB_Resume(th.tcb), seL4_NoError, "Resume the faulted thread");
    CHECK_EQ(step, 2, "it restarted at the faulting load and went on");
    CHECK_EQ(result, 0x600d, "the load now reads the mapped page");
}

int main(void)
{
    test_begin("tcb");
    kobj_set_my_prio(ROOT_PRIO);
    ntfn = kobj_new(seL4_NotificationObject, 0);
    test_configure();
    test_priorities();
    test_suspend_resume();
    test_registers();
    test_tls();
    test_ipc_buffer_deleted();
    test_fault();
    test_finish();
}

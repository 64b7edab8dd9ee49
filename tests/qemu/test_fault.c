/*
 * Fault delivery (docs/kernel-api.md, "Faults"; sel4/faults.h for the layouts; seL4
 * semantics where the doc is silent). The root task is the fault handler: a faulting
 * thread of higher priority runs until it faults, the root task takes the fault message
 * with NBRecv (so a missing delivery fails a check instead of hanging) and replies.
 *  - VMFault on a data load and store (IP, Addr, PrefetchFault 0, FSR = ESR with EC 0x24
 *    and WnR) and on an instruction fetch (IP = Addr, PrefetchFault 1, EC 0x20); the
 *    handler maps a page and replies with label 0: the thread continues and succeeds;
 *  - the fault message carries the badge of the fault endpoint cap;
 *  - UnknownSyscall: x0..x7, FaultIP (the svc, as seL4 on AArch64), SP and the syscall
 *    number in the message; the reply sets x0/x1 and moves FaultIP past the svc, and the
 *    thread sees them;
 *  - UserException (udf #0): FaultIP, EC 0 (unknown), the reply advances the pc;
 *  - CapFault: Recv on an empty slot (InRecvPhase 1, Addr = the cptr); the handler puts a
 *    notification there and replies, and the restarted Recv then succeeds;
 *  - a reply with a non-zero label leaves the thread inactive (Resume restarts it at the
 *    faulting instruction), shown with a UserException;
 *  - an unusable fault endpoint (empty slot, no grant, no write, a notification): the
 *    kernel reports the fault on the console and the thread stays inactive
 *    (tests.cmake checks the reports with --expect).
 */
#include <stdio.h>
#include "ipc_util.h"
#include "testlib.h"

#define ROOT_PRIO  100
#define HIGH_PRIO  150
#define BAD_FEP_VA 0xbad0000ull /* + 0x1000 * case; named in tests.cmake */

#define ESR_EC(esr)    (((esr) >> 26) & 0x3f)
#define ESR_WNR        (1u << 6)
#define FSC_IS_XLAT(e) (((e)&0x3c) == 0x04) /* translation fault, any level */

static seL4_CPtr fault_ep, fep; /* fep: badged copy given to threads */
static volatile seL4_Word step, result;

/* Loads from x0 / stores x1 to x0 at a known instruction. */
seL4_Word fault_load(seL4_Word addr);
void fault_store(seL4_Word addr, seL4_Word value);
extern const char fault_load_insn[], fault_store_insn[];
/* x0..x6 = 0x10..0x16, x7 = -100 (unknown), svc; stores x0, x1 to the pointer in x0. */
void unknown_syscall(seL4_Word *out);
extern const char unknown_svc_insn[];
/* Executes udf #0, then returns 77. */
seL4_Word undefined_insn(void);
extern const char udf_insn[];
__asm__(".text\n"
        ".global fault_load, fault_load_insn, fault_store, fault_store_insn\n"
        "fault_load:\n"
        "fault_load_insn: ldr x0, [x0]\n"
        "  ret\n"
        "fault_store:\n"
        "fault_store_insn: str x1, [x0]\n"
        "  ret\n"
        ".global unknown_syscall, unknown_svc_insn\n"
        "unknown_syscall:\n"
        "  mov x9, x0\n"
        "  mov x0, #0x10\n  mov x1, #0x11\n  mov x2, #0x12\n  mov x3, #0x13\n"
        "  mov x4, #0x14\n  mov x5, #0x15\n  mov x6, #0x16\n  mov x7, #-100\n"
        "unknown_svc_insn: svc #0\n"
        "  nop\n" /* a handler that skips one instruction too many lands here */
        "  stp x0, x1, [x9]\n"
        "  ret\n"
        ".global undefined_insn, udf_insn\n"
        "undefined_insn:\n"
        "udf_insn: udf #0\n"
        "  mov x0, #77\n"
        "  ret\n");

/* Takes the pending fault message (if any) into msg[] and returns its info. */
static seL4_MessageInfo_t take_fault(seL4_Word *badge, seL4_Word msg[seL4_MsgMaxLength])
{
    seL4_MessageInfo_t info = seL4_NBRecv(fault_ep, badge);
    for (seL4_Word i = 0; i < seL4_MsgMaxLength; i++)
        msg[i] = i < seL4_MessageInfo_get_length(info) ? seL4_GetMR((int)i) : 0;
    return info;
}

/* Replies with label and msg[0..n). */
static void reply(seL4_Word label, const seL4_Word *msg, seL4_Word n)
{
    for (seL4_Word i = 0; i < n; i++)
        seL4_SetMR((int)i, msg[i]);
    seL4_Reply(seL4_MessageInfo_new(label, 0, 0, n));
}

/* A thread at HIGH_PRIO with fault endpoint cptr fault_cap, started on fn(arg). */
static void start_faulter(struct kobj_thread *t, const char *name, seL4_CPtr fault_cap,
                          void (*fn)(seL4_Word), seL4_Word arg)
{
    *t = (struct kobj_thread){0};
    kobj_thread_new(t, HIGH_PRIO, name);
    seL4_TCB_SetSpace(t->tcb, fault_cap, KOBJ_ROOT, 0, seL4_CapInitThreadVSpace, 0);
    step = 0;
    kobj_thread_start(t, fn, arg);
}

static void load_fn(seL4_Word va)
{
    step = 1;
    result = fault_load(va);
    step = 2;
}

static void store_fn(seL4_Word va)
{
    step = 1;
    fault_store(va, 0x5707e);
    step = 2;
}

static void exec_fn(seL4_Word va)
{
    step = 1;
    result = ((seL4_Word(*)(void))va)();
    step = 2;
}

/* A fresh page at a fresh address; returns the frame cap. */
static seL4_CPtr map_at(seL4_Word va, seL4_CapRights_t rights)
{
    seL4_CPtr f = kobj_new(seL4_ARM_SmallPageObject, 0);
    seL4_Error err =
        kobj_map(f, seL4_CapInitThreadVSpace, va, rights, seL4_ARM_Default_VMAttributes);
    return err == seL4_NoError ? f : 0;
}

static void test_vm_faults(void)
{
    ipc_stage("vm faults");
    struct kobj_thread t;
    seL4_Word badge, msg[seL4_MsgMaxLength];
    seL4_Word va = kobj_va(0x1000) + 8;

    start_faulter(&t, "vmload", fep, load_fn, va);
    CHECK_EQ(step, 1, "a thread with a fault handler loads from an unmapped address");
    seL4_MessageInfo_t info = take_fault(&badge, msg);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault, "the handler gets a VMFault");
    CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_VMFault_Length, "of 4 registers");
    CHECK_EQ(badge, 0xfa, "with the badge of the fault endpoint cap");
    CHECK_EQ(msg[seL4_VMFault_IP], (seL4_Word)fault_load_insn, "IP is the faulting load");
    CHECK_EQ(msg[seL4_VMFault_Addr], va, "Addr is the exact data address");
    CHECK_EQ(msg[seL4_VMFault_PrefetchFault], 0, "PrefetchFault is 0 for a data access");
    CHECK_EQ(ESR_EC(msg[seL4_VMFault_FSR]), 0x24, "FSR is the ESR of a data abort from EL0");
    CHECK(!(msg[seL4_VMFault_FSR] & ESR_WNR) && FSC_IS_XLAT(msg[seL4_VMFault_FSR]),
          "FSR: a read (WnR 0), translation fault");
    seL4_CPtr page = map_at(va & ~0xfffull, seL4_ReadWrite);
    *(volatile seL4_Word *)va = 0x600d;
    reply(0, msg, 0);
    CHECK(page && step == 2 && result == 0x600d,
          "after the handler maps a page and replies (label 0) the load succeeds");

    seL4_Word va2 = kobj_va(0x1000) + 0x10;
    start_faulter(&t, "vmstore", fep, store_fn, va2);
    info = take_fault(&badge, msg);
    CHECK(seL4_MessageInfo_get_label(info) == seL4_Fault_VMFault && msg[seL4_VMFault_Addr] == va2 &&
              msg[seL4_VMFault_IP] == (seL4_Word)fault_store_insn,
          "a store to an unmapped address: VMFault with its IP and Addr");
    CHECK(msg[seL4_VMFault_FSR] & ESR_WNR, "FSR: a write (WnR 1)");
    map_at(va2 & ~0xfffull, seL4_ReadWrite);
    reply(0, msg, 0);
    CHECK(step == 2 && *(volatile seL4_Word *)va2 == 0x5707e,
          "the store completes after the reply");

    /* Instruction fetch: the page gets `mov x0, #42; ret` through a second mapping. */
    seL4_Word code_va = kobj_va(0x1000);
    start_faulter(&t, "vmexec", fep, exec_fn, code_va);
    info = take_fault(&badge, msg);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_VMFault,
             "a jump to an unmapped address: VMFault");
    CHECK(msg[seL4_VMFault_IP] == code_va && msg[seL4_VMFault_Addr] == code_va,
          "IP and Addr are the target address");
    CHECK_EQ(msg[seL4_VMFault_PrefetchFault], 1, "PrefetchFault is 1 for an instruction fetch");
    CHECK_EQ(ESR_EC(msg[seL4_VMFault_FSR]), 0x20,
             "FSR is the ESR of an instruction abort from EL0");
    seL4_CPtr frame;
    volatile uint32_t *code = kobj_new_page(&frame);
    code[0] = 0xd2800540; /* mov x0, #42 */
    code[1] = 0xd65f03c0; /* ret */
    kobj_map(ipc_copy(frame, seL4_AllRights), seL4_CapInitThreadVSpace, code_va, seL4_CanRead,
             seL4_ARM_Default_VMAttributes);
    reply(0, msg, 0);
    CHECK(step == 2 && result == 42, "after mapping code and replying the call runs and returns");
}

static void run_unknown_syscall(seL4_Word out)
{
    step = 1;
    unknown_syscall((seL4_Word *)out);
    step = 2;
}

static void run_udf(seL4_Word unused)
{
    (void)unused;
    step = 1;
    result = undefined_insn();
    step = 2;
}

static void test_syscall_and_exception(void)
{
    ipc_stage("unknown syscall / user exception");
    struct kobj_thread t;
    seL4_Word badge, msg[seL4_MsgMaxLength];
    static seL4_Word out[2];

    start_faulter(&t, "unknownsys", fep, run_unknown_syscall, (seL4_Word)out);
    seL4_MessageInfo_t info = take_fault(&badge, msg);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UnknownSyscall,
             "an unknown syscall number with a fault handler: UnknownSyscall fault");
    CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_UnknownSyscall_Length, "of 13 registers");
    bool regs = true;
    for (seL4_Word i = 0; i < 7; i++)
        regs = regs && msg[seL4_UnknownSyscall_X0 + i] == 0x10 + i;
    CHECK(regs && msg[7] == (seL4_Word)-100, "x0..x7 are in registers 0..7");
    CHECK_EQ(msg[seL4_UnknownSyscall_FaultIP], (seL4_Word)unknown_svc_insn,
             "FaultIP is the svc instruction (seL4 AArch64)");
    CHECK(msg[seL4_UnknownSyscall_SP] > t.stack_top - KOBJ_STACK &&
              msg[seL4_UnknownSyscall_SP] <= t.stack_top,
          "SP is on the thread's stack");
    CHECK_EQ(msg[seL4_UnknownSyscall_Syscall], (seL4_Word)-100, "Syscall is the number used");
    CHECK_EQ(msg[seL4_UnknownSyscall_SPSR] & 0xf, 0, "SPSR says EL0");
    msg[0] = 0xabc;
    msg[1] = 0xdef;
    msg[seL4_UnknownSyscall_FaultIP] += 4;
    reply(0, msg, seL4_UnknownSyscall_Syscall); /* x0..x7, FaultIP, SP, LR, SPSR */
    CHECK_EQ(step, 2, "the reply restarts the thread after the svc");
    CHECK(out[0] == 0xabc && out[1] == 0xdef, "it sees x0 and x1 set by the reply");

    start_faulter(&t, "udf", fep, run_udf, 0);
    info = take_fault(&badge, msg);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_UserException,
             "udf #0: UserException fault");
    CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_UserException_Length, "of 5 registers");
    CHECK_EQ(msg[seL4_UserException_FaultIP], (seL4_Word)udf_insn, "FaultIP is the udf");
    CHECK_EQ(msg[seL4_UserException_Number], 0, "Number is EC 0 (unknown reason)");
    CHECK(msg[seL4_UserException_SP] > t.stack_top - KOBJ_STACK &&
              msg[seL4_UserException_SP] <= t.stack_top,
          "SP is on the thread's stack");
    msg[seL4_UserException_FaultIP] += 4;
    reply(0, msg, seL4_UserException_Number); /* FaultIP, SP, SPSR */
    CHECK(step == 2 && result == 77, "a reply that advances the pc lets the thread go on");
}

static void recv_fn(seL4_Word cap)
{
    step = 1;
    seL4_Word badge = 0;
    seL4_Wait(cap, &badge);
    result = badge;
    step = 2;
}

static void test_cap_fault(void)
{
    ipc_stage("cap fault");
    struct kobj_thread t;
    seL4_Word badge, msg[seL4_MsgMaxLength];
    seL4_CPtr empty = kobj_slot();
    start_faulter(&t, "capfault", fep, recv_fn, empty);
    seL4_MessageInfo_t info = take_fault(&badge, msg);
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_Fault_CapFault,
             "Recv on an empty slot with a fault handler: CapFault");
    CHECK_EQ(msg[seL4_CapFault_Addr], empty, "Addr is the cptr");
    CHECK_EQ(msg[seL4_CapFault_InRecvPhase], 1, "InRecvPhase is 1");
    seL4_CPtr n = kobj_new(seL4_NotificationObject, 0);
    seL4_CNode_Mint(KOBJ_ROOT, empty, KOBJ_DEPTH, KOBJ_ROOT, n, KOBJ_DEPTH, seL4_AllRights, 0x3c);
    seL4_Signal(empty);
    reply(0, msg, 0);
    CHECK(step == 2 && result == 0x3c, "after the handler fills the slot the restarted Wait works");
}

/* A non-zero reply label leaves the thread inactive. Shown with a UserException: in seL4
 * VMFault and CapFault replies restart the thread whatever their label. */
static void test_reply_label(void)
{
    ipc_stage("reply label");
    struct kobj_thread t;
    seL4_Word badge, msg[seL4_MsgMaxLength];
    start_faulter(&t, "stopped", fep, run_udf, 0);
    take_fault(&badge, msg);
    msg[seL4_UserException_FaultIP] += 4;
    reply(1, msg, seL4_UserException_Number);
    for (int i = 0; i < 50; i++)
        seL4_Yield();
    CHECK_EQ(step, 1, "a UserException reply with label 1 leaves the thread inactive");
    seL4_TCB_Resume(t.tcb);
    seL4_MessageInfo_t info = take_fault(&badge, msg);
    CHECK(seL4_MessageInfo_get_label(info) == seL4_Fault_UserException &&
              msg[seL4_UserException_FaultIP] == (seL4_Word)udf_insn,
          "Resume restarts it at the udf: the same fault arrives again");
    msg[seL4_UserException_FaultIP] += 4;
    reply(0, msg, seL4_UserException_Number);
    CHECK(step == 2 && result == 77, "a reply with label 0 then lets it go on");
}

static void test_bad_fault_endpoints(void)
{
    ipc_stage("unusable fault endpoints");
    struct kobj_thread t;
    seL4_Word badge, msg[seL4_MsgMaxLength];
    const seL4_CPtr cases[4] = {
        kobj_slot(),                                           /* empty */
        ipc_mint(fault_ep, seL4_CanWrite, 1),                  /* no grant, no grant-reply */
        ipc_mint(fault_ep, seL4_CapRights_new(1, 1, 1, 0), 2), /* no write */
        kobj_new(seL4_NotificationObject, 0),                  /* not an endpoint */
    };
    static const char *const names[4] = {"badfep0", "badfep1", "badfep2", "badfep3"};
    for (int i = 0; i < 4; i++) {
        seL4_Word va = BAD_FEP_VA + 0x1000 * (seL4_Word)i;
        char what[96];
        start_faulter(&t, names[i], cases[i], load_fn, va);
        seL4_MessageInfo_t info = take_fault(&badge, msg);
        snprintf(what, sizeof(what), "%s: no fault message is delivered", names[i]);
        CHECK_EQ(seL4_MessageInfo_get_label(info), 0, what);
        for (int k = 0; k < 20; k++)
            seL4_Yield();
        snprintf(what, sizeof(what), "%s: the thread stays inactive (report on the console)",
                 names[i]);
        CHECK_EQ(step, 1, what);
        if (i == 0) {
            map_at(va, seL4_ReadWrite);
            seL4_TCB_Resume(t.tcb);
            CHECK_EQ(step, 2, "Resume after mapping the page lets it continue");
        }
    }
}

int main(void)
{
    test_begin("fault");
    kobj_set_my_prio(ROOT_PRIO);
    ipc_watchdog_start();
    fault_ep = kobj_new(seL4_EndpointObject, 0);
    fep = ipc_mint(fault_ep, seL4_AllRights, 0xfa);
    CHECK(fault_ep && fep, "make a fault endpoint and a badged copy");
    test_vm_faults();
    test_syscall_and_exception();
    test_cap_fault();
    test_reply_label();
    test_bad_fault_endpoints();
    test_finish();
}

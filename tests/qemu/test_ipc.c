/*
 * Endpoint IPC (docs/kernel-api.md, "IPC: endpoints"; seL4 semantics where it is silent):
 *  - Send/Recv with the receiver waiting first and with the sender blocked first; the badge
 *    of the sender's cap (0 when unbadged), label, length and registers arrive;
 *  - priorities: a higher-priority receiver runs at once when a message arrives; a
 *    lower-priority one waits until the sender blocks or drops below it;
 *  - FIFO order of several blocked senders and of several blocked receivers;
 *  - long messages (120 registers through both IPC buffers); truncation to 4 registers
 *    when the receiver or the sender has no IPC buffer;
 *  - Call/Reply with the root task as server, Call/ReplyRecv against higher- and
 *    lower-priority server threads (short, 5-register and 120-register messages); Reply
 *    with no caller does nothing; a Call through a cap without grant/grant-reply delivers
 *    and leaves the caller blocked for good;
 *  - NBSend with no receiver drops the message; NBRecv with no sender returns badge 0 and
 *    an empty message;
 *  - rights: Send/NBSend/Call through a read-only cap, Recv/NBRecv through a write-only
 *    cap or an empty slot are capability faults: with no fault handler the call returns
 *    label seL4_InvalidCapability and nothing else happens.
 * Capability transfer, deletion and CancelBadgedSends are in test_ipc_caps.c.
 */
#include "ipc_util.h"
#include "testlib.h"

#define ROOT_PRIO 100
#define HIGH_PRIO 150
#define LOW_PRIO  50

static seL4_CPtr ep;
static struct ipc_job jobs[4];

#define NO_MSG seL4_MessageInfo_new(0, 0, 0, 0)

static void test_send_recv(void)
{
    ipc_stage("send/recv");
    seL4_CPtr b1 = ipc_mint(ep, seL4_AllRights, 0x1234);
    struct ipc_msg m;

    struct ipc_job *r = ipc_job_init(&jobs[0], 1, seL4_SysRecv, ep, 0, 0, 0);
    ipc_job_start(r, HIGH_PRIO);
    CHECK_EQ(r->done, 0, "receiver first: a higher-priority receiver blocks in Recv");
    ipc_set_mrs(3, 0x100);
    seL4_Send(b1, seL4_MessageInfo_new(0x42, 0, 0, 3));
    CHECK_EQ(r->done, 1, "Send to a waiting higher-priority receiver: it ran before Send returned");
    CHECK_EQ(r->got.badge, 0x1234, "the receiver got the badge of the sender's cap");
    CHECK(r->got.label == 0x42 && r->got.length == 3 && ipc_mrs_are(&r->got, 3, 0x100),
          "label, length and message registers 0..2 arrived");

    struct ipc_job *s = ipc_job_init(&jobs[1], 2, seL4_SysSend, b1, 0x43, 2, 0x200);
    ipc_job_start(s, HIGH_PRIO);
    CHECK_EQ(s->done, 0, "sender first: Send with no receiver blocks the sender");
    ipc_xfer(seL4_SysRecv, ep, NO_MSG, &m);
    CHECK(m.badge == 0x1234 && m.label == 0x43 && m.length == 2 && ipc_mrs_are(&m, 2, 0x200),
          "Recv takes the blocked sender's message and badge without blocking");
    CHECK_EQ(s->done, 1, "the released higher-priority sender ran before Recv returned");

    s = ipc_job_init(&jobs[1], 3, seL4_SysSend, ep, 0x44, 1, 0x300);
    ipc_job_start(s, HIGH_PRIO);
    ipc_xfer(seL4_SysRecv, ep, NO_MSG, &m);
    CHECK(m.badge == 0 && m.label == 0x44, "a message through an unbadged cap has badge 0");

    /* A receiver below us: it must first be let run to reach its Recv. */
    r = ipc_job_init(&jobs[2], 4, seL4_SysRecv, ep, 0, 0, 0);
    ipc_job_start(r, LOW_PRIO);
    ipc_run_below(LOW_PRIO, ROOT_PRIO);
    ipc_set_mrs(1, 0x400);
    seL4_Send(ep, seL4_MessageInfo_new(0x45, 0, 0, 1));
    CHECK_EQ(r->done, 0, "Send to a waiting lower-priority receiver returns before it runs");
    ipc_run_below(LOW_PRIO, ROOT_PRIO);
    CHECK(r->done && r->got.label == 0x45 && r->got.mr[0] == 0x400,
          "it has the message once we drop below it");

    /* A receiver below us that has not reached Recv yet: our Send blocks, its Recv takes
     * the message and makes us runnable again, and we preempt it at once. */
    r = ipc_job_init(&jobs[3], 5, seL4_SysRecv, ep, 0, 0, 0);
    ipc_job_start(r, LOW_PRIO);
    ipc_set_mrs(1, 0x500);
    seL4_Send(ep, seL4_MessageInfo_new(0x46, 0, 0, 1));
    CHECK_EQ(r->done, 0, "Send blocks until a lower receiver takes it; we preempt it at once");
    ipc_run_below(LOW_PRIO, ROOT_PRIO);
    CHECK(r->done && r->got.label == 0x46 && r->got.mr[0] == 0x500,
          "the lower receiver got the message");
}

static void test_fifo(void)
{
    ipc_stage("fifo");
    static const seL4_Word ids[3] = {1, 2, 3};
    seL4_CPtr badged[3];
    struct ipc_msg m[3];

    for (int i = 0; i < 3; i++) {
        badged[i] = ipc_mint(ep, seL4_AllRights, 0x10 + (seL4_Word)i);
        ipc_job_start(ipc_job_init(&jobs[i], ids[i], seL4_SysSend, badged[i], 0x50 + (seL4_Word)i,
                                   1, 0x1000 * (seL4_Word)i),
                      HIGH_PRIO);
    }
    CHECK(!jobs[0].done && !jobs[1].done && !jobs[2].done, "three senders block in order");
    ipc_order_len = 0;
    for (int i = 0; i < 3; i++)
        ipc_xfer(seL4_SysRecv, ep, NO_MSG, &m[i]);
    CHECK(m[0].badge == 0x10 && m[1].badge == 0x11 && m[2].badge == 0x12,
          "Recv takes blocked senders in FIFO order (badges)");
    CHECK(m[0].label == 0x50 && m[1].mr[0] == 0x1000 && m[2].mr[0] == 0x2000,
          "each message matches its sender");
    CHECK(ipc_order_is(ids, 3), "the senders were released in the same order");

    for (int i = 0; i < 3; i++)
        ipc_job_start(ipc_job_init(&jobs[i], ids[i], seL4_SysRecv, ep, 0, 0, 0), HIGH_PRIO);
    ipc_order_len = 0;
    for (int i = 0; i < 3; i++) {
        ipc_set_mrs(1, 0x700 + (seL4_Word)i);
        seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 1));
        if (i == 0)
            CHECK(jobs[0].done && !jobs[1].done && !jobs[2].done,
                  "one Send wakes exactly one of three blocked receivers");
    }
    CHECK(ipc_order_is(ids, 3), "blocked receivers are served in FIFO order");
    CHECK(jobs[0].got.mr[0] == 0x700 && jobs[1].got.mr[0] == 0x701 && jobs[2].got.mr[0] == 0x702,
          "the first receiver got the first message, and so on");
}

static void test_long_messages(void)
{
    ipc_stage("long messages");
    struct ipc_msg m;
    struct ipc_job *j = ipc_job_init(&jobs[0], 1, seL4_SysRecv, ep, 0, 0, 0);
    ipc_job_start(j, HIGH_PRIO);
    ipc_set_mrs(seL4_MsgMaxLength, 0x5000);
    seL4_Send(ep, seL4_MessageInfo_new(1, 0, 0, seL4_MsgMaxLength));
    CHECK_EQ(j->got.length, seL4_MsgMaxLength, "a 120-register message arrives whole");
    CHECK(ipc_mrs_are(&j->got, seL4_MsgMaxLength, 0x5000),
          "registers 0..119 arrive through the IPC buffers");

    j = ipc_job_init(&jobs[1], 2, seL4_SysSend, ep, 2, seL4_MsgMaxLength, 0x6000);
    ipc_job_start(j, HIGH_PRIO);
    ipc_xfer(seL4_SysRecv, ep, NO_MSG, &m);
    CHECK(m.length == seL4_MsgMaxLength && ipc_mrs_are(&m, seL4_MsgMaxLength, 0x6000),
          "a blocked sender's 120-register message arrives whole");

    j = ipc_job_init(&jobs[2], 3, seL4_SysRecv, ep, 0, 0, 0);
    j->no_buffer = true;
    ipc_job_start(j, HIGH_PRIO);
    ipc_set_mrs(10, 0x7000);
    seL4_Send(ep, seL4_MessageInfo_new(3, 0, 0, 10));
    CHECK_EQ(j->got.length, 4,
             "to a receiver without IPC buffer a 10-register message is cut to 4");
    CHECK(j->done && ipc_mrs_are(&j->got, 4, 0x7000), "its registers 0..3 arrived");

    j = ipc_job_init(&jobs[3], 4, seL4_SysSend, ep, 4, 10, 0x8000);
    j->no_buffer = true;
    ipc_job_start(j, HIGH_PRIO);
    ipc_xfer(seL4_SysRecv, ep, NO_MSG, &m);
    CHECK(m.label == 4 && m.length == 4 && ipc_mrs_are(&m, 4, 0x8000),
          "from a sender without IPC buffer a 10-register message is cut to 4");
}

/* A server: replies to every call with label + 1 and registers + badge + 1, same length. */
static volatile seL4_Word served;

static void echo_server(seL4_Word cap)
{
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(cap, &badge);
    for (;;) {
        seL4_Word n = seL4_MessageInfo_get_length(info);
        for (seL4_Word i = 0; i < n; i++)
            seL4_SetMR((int)i, seL4_GetMR((int)i) + badge + 1);
        served++;
        info = seL4_MessageInfo_new(seL4_MessageInfo_get_label(info) + 1, 0, 0, n);
        info = seL4_ReplyRecv(cap, info, &badge);
    }
}

/* Calls cap (badge) with n registers from base and checks the echo. */
static void check_echo(seL4_CPtr cap, seL4_Word badge, seL4_Word n, const char *what)
{
    struct ipc_msg m;
    ipc_set_mrs(n, 0x9000);
    ipc_xfer(seL4_SysCall, cap, seL4_MessageInfo_new(0x70, 0, 0, n), &m);
    CHECK(m.label == 0x71 && m.length == n && ipc_mrs_are(&m, n, 0x9000 + badge + 1), what);
}

static void test_call_reply(void)
{
    ipc_stage("call/reply");
    struct ipc_msg m;
    seL4_Reply(seL4_MessageInfo_new(0x99, 0, 0, 1));
    CHECK(1, "Reply with no caller returns and does nothing");

    struct ipc_job *c = ipc_job_init(&jobs[0], 1, seL4_SysCall, ep, 0x60, 2, 0x900);
    ipc_job_start(c, HIGH_PRIO);
    CHECK_EQ(c->done, 0, "a Call with no receiver blocks the caller");
    ipc_xfer(seL4_SysRecv, ep, NO_MSG, &m);
    CHECK(m.label == 0x60 && m.length == 2 && ipc_mrs_are(&m, 2, 0x900), "Recv gets the call");
    CHECK_EQ(c->done, 0, "the caller waits for the reply");
    ipc_set_mrs(3, 0xa00);
    seL4_Reply(seL4_MessageInfo_new(0x61, 0, 0, 3));
    CHECK_EQ(c->done, 1, "Reply wakes the higher-priority caller at once");
    CHECK(c->got.label == 0x61 && c->got.length == 3 && ipc_mrs_are(&c->got, 3, 0xa00),
          "the caller got the reply's label and registers");
    seL4_Reply(seL4_MessageInfo_new(0x62, 0, 0, 0));
    CHECK_EQ(c->got.label, 0x61, "a second Reply does nothing");

    /* A caller that then blocks elsewhere is not woken by a stale reply. */
    seL4_CPtr other = kobj_new(seL4_EndpointObject, 0);
    c = ipc_job_init(&jobs[1], 2, seL4_SysCall, ep, 0x63, 1, 0xb00);
    ipc_job_start(c, HIGH_PRIO);
    ipc_xfer(seL4_SysRecv, ep, NO_MSG, &m);
    seL4_Reply(seL4_MessageInfo_new(0x64, 0, 0, 0));
    struct ipc_job *r = ipc_job_init(&jobs[2], 3, seL4_SysRecv, other, 0, 0, 0);
    ipc_job_start(r, HIGH_PRIO);
    seL4_Reply(seL4_MessageInfo_new(0x65, 0, 0, 0));
    CHECK(c->got.label == 0x64 && !r->done, "Reply after the reply was used wakes nobody");
    seL4_Send(other, seL4_MessageInfo_new(0x66, 0, 0, 0));
    CHECK(r->done && r->got.label == 0x66, "that receiver still gets its own message");

    /* Without grant or grant-reply a Call cannot make a reply cap (seL4). */
    seL4_CPtr rw = ipc_copy(ep, seL4_ReadWrite);
    c = ipc_job_init(&jobs[3], 4, seL4_SysCall, rw, 0x67, 1, 0xc00);
    ipc_job_start(c, HIGH_PRIO);
    ipc_xfer(seL4_SysRecv, ep, NO_MSG, &m);
    CHECK(m.label == 0x67 && m.mr[0] == 0xc00, "a Call through a cap without grant delivers");
    seL4_Reply(seL4_MessageInfo_new(0x68, 0, 0, 0));
    CHECK_EQ(c->done, 0, "but the caller gets no reply (it was left inactive)");

    /* Servers above and below us, on endpoints of their own. */
    seL4_CPtr hi_ep = kobj_new(seL4_EndpointObject, 0), lo_ep = kobj_new(seL4_EndpointObject, 0);
    struct kobj_thread hi = {0}, lo = {0};
    ipc_thread(&hi, HIGH_PRIO, "echo_hi", echo_server, hi_ep);
    ipc_thread(&lo, LOW_PRIO, "echo_lo", echo_server, lo_ep);
    seL4_CPtr hi_b = ipc_mint(hi_ep, seL4_AllRights, 0x30);
    seL4_CPtr lo_b = ipc_mint(lo_ep, seL4_AllRights, 0x40);
    ipc_run_below(LOW_PRIO, ROOT_PRIO); /* the low server reaches its Recv */
    check_echo(hi_b, 0x30, 1, "Call/ReplyRecv with a higher-priority server, 1 register");
    check_echo(hi_b, 0x30, 4, "... 4 registers");
    check_echo(hi_b, 0x30, 5, "... 5 registers (one through the IPC buffers)");
    check_echo(hi_b, 0x30, seL4_MsgMaxLength, "... 120 registers");
    check_echo(hi_ep, 0, 2, "... through the unbadged cap (badge 0)");
    check_echo(lo_b, 0x40, 1, "Call/ReplyRecv with a lower-priority server, 1 register");
    check_echo(lo_b, 0x40, 5, "... 5 registers");
    check_echo(lo_b, 0x40, seL4_MsgMaxLength, "... 120 registers");
    CHECK_EQ(served, 8, "the servers answered 8 calls");
}

static void test_nonblocking(void)
{
    ipc_stage("nbsend/nbrecv");
    struct ipc_msg m;
    ipc_set_mrs(1, 0xd00);
    seL4_NBSend(ep, seL4_MessageInfo_new(0x51, 0, 0, 1));
    CHECK(1, "NBSend with no receiver returns");
    ipc_set_mrs(2, 0xdead);
    ipc_xfer(seL4_SysNBRecv, ep, NO_MSG, &m);
    CHECK(m.badge == 0 && m.length == 0 && m.label == 0,
          "the dropped message is not queued: NBRecv finds nothing (badge 0, empty)");

    struct ipc_job *r = ipc_job_init(&jobs[0], 1, seL4_SysRecv, ep, 0, 0, 0);
    ipc_job_start(r, HIGH_PRIO);
    CHECK_EQ(r->done, 0, "a new receiver does not get the dropped message");
    ipc_set_mrs(1, 0xd01);
    seL4_NBSend(ep, seL4_MessageInfo_new(0x52, 0, 0, 1));
    CHECK(r->done && r->got.label == 0x52 && r->got.mr[0] == 0xd01,
          "NBSend to a waiting receiver delivers");

    seL4_CPtr b5 = ipc_mint(ep, seL4_AllRights, 5);
    struct ipc_job *s = ipc_job_init(&jobs[1], 2, seL4_SysSend, b5, 0x53, 1, 0xd02);
    ipc_job_start(s, HIGH_PRIO);
    ipc_xfer(seL4_SysNBRecv, ep, NO_MSG, &m);
    CHECK(m.badge == 5 && m.label == 0x53 && m.mr[0] == 0xd02 && s->done,
          "NBRecv takes a blocked sender's message");
    ipc_xfer(seL4_SysNBRecv, ep, NO_MSG, &m);
    CHECK(m.badge == 0 && m.length == 0, "NBRecv with no sender returns badge 0, empty message");
}

static void test_rights(void)
{
    ipc_stage("rights");
    seL4_CPtr ro = ipc_copy(ep, seL4_CanRead), wo = ipc_copy(ep, seL4_CanWrite);
    seL4_Word label;
    struct ipc_job *r = ipc_job_init(&jobs[0], 1, seL4_SysRecv, ep, 0, 0, 0);
    ipc_job_start(r, HIGH_PRIO);

    label = seL4_MessageInfo_get_label(
        ipc_syscall(seL4_SysSend, ro, seL4_MessageInfo_new(0x80, 0, 0, 1), NULL));
    CHECK_EQ(label, seL4_InvalidCapability, "Send through a read-only cap: InvalidCapability");
    label = seL4_MessageInfo_get_label(
        ipc_syscall(seL4_SysNBSend, ro, seL4_MessageInfo_new(0x81, 0, 0, 1), NULL));
    CHECK_EQ(label, seL4_InvalidCapability, "NBSend through a read-only cap: InvalidCapability");
    label = seL4_MessageInfo_get_label(
        ipc_syscall(seL4_SysCall, ro, seL4_MessageInfo_new(0x82, 0, 0, 1), NULL));
    CHECK_EQ(label, seL4_InvalidCapability, "Call through a read-only cap: InvalidCapability");
    CHECK_EQ(r->done, 0, "none of them reached the waiting receiver");

    struct ipc_job *w = ipc_job_init(&jobs[1], 2, seL4_SysRecv, wo, 0, 0, 0);
    ipc_job_start(w, HIGH_PRIO);
    CHECK(w->done && w->got.label == seL4_InvalidCapability,
          "Recv through a write-only cap returns at once with InvalidCapability");
    w = ipc_job_init(&jobs[2], 3, seL4_SysNBRecv, wo, 0, 0, 0);
    ipc_job_start(w, HIGH_PRIO);
    CHECK(w->done && w->got.label == seL4_InvalidCapability,
          "NBRecv through a write-only cap: InvalidCapability");
    w = ipc_job_init(&jobs[3], 4, seL4_SysRecv, kobj_slot(), 0, 0, 0);
    ipc_job_start(w, HIGH_PRIO);
    CHECK(w->done && w->got.label == seL4_InvalidCapability,
          "Recv on an empty slot returns at once with InvalidCapability");
    label = seL4_MessageInfo_get_label(
        ipc_syscall(seL4_SysSend, kobj_slot(), seL4_MessageInfo_new(0x83, 0, 0, 0), NULL));
    CHECK_EQ(label, seL4_InvalidCapability, "Send on an empty slot: InvalidCapability");

    ipc_set_mrs(1, 0xe00);
    seL4_Send(wo, seL4_MessageInfo_new(0x84, 0, 0, 1));
    CHECK(r->done && r->got.label == 0x84 && r->got.mr[0] == 0xe00,
          "a write-only cap sends; the receiver gets that message, not a refused one");
}

int main(void)
{
    test_begin("ipc");
    kobj_set_my_prio(ROOT_PRIO);
    ipc_watchdog_start();
    ep = kobj_new(seL4_EndpointObject, 0);
    CHECK(ep != 0, "make an endpoint");
    test_send_recv();
    test_fifo();
    test_long_messages();
    test_call_reply();
    test_nonblocking();
    test_rights();
    test_finish();
}

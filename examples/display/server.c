/*
 * A desktop-style display server on the event loop (posix/evloop.h): DISPLAY_CLIENTS
 * client processes (client.c, 1,000 by default), each with a channel to the server.
 *
 *   client ──HELLO/DRAW/INPUT/BYE──> channel ──> server: one watcher per client
 *   client <──WELCOME/REPLY/EVENT/FRAME── channel <── server
 *
 * The server answers every DRAW with a REPLY and adds its area to the damage; a deferred
 * callback composes the damage once per loop iteration, however many DRAWs arrived; an
 * INPUT is routed to the client with the focus (the next client) as an EVENT; a repeating
 * timer broadcasts a FRAME event to every client. Writes are non-blocking: what does not
 * fit waits in the client's outbox, with POLLOUT interest until it drains; a FRAME that
 * finds the outbox full is dropped (counted), a REPLY never is. A client that hangs up is
 * closed and its process destroyed; when none is left the timer stops and evl_run
 * returns. The server prints its totals and its rate: messages per second of QEMU's
 * virtual time (indicative) and, on a kernel with counters under -icount, instructions,
 * kernel entries and context switches per message (exact).
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <rt/rt.h>
#include <posix/channel.h>
#include <posix/evloop.h>
#include <posix/posix.h>
#include "protocol.h"

#ifndef DISPLAY_CLIENTS
#define DISPLAY_CLIENTS 1000
#endif
#ifndef DISPLAY_ROUNDS
#define DISPLAY_ROUNDS 16
#endif
#define PRIO     100        /* server and clients alike: clients batch their requests */
#define FRAME_NS 4000000ull /* a frame tick every 4 ms */
#define OUTBOX   16
#define BATCH    16 /* messages per read */

extern const char embedded_display_client[], embedded_display_client_end[];

struct client {
    struct evl_io io;
    struct rt_process proc;
    int fd;
    uint32_t id;
    bool connected;
    unsigned out_head, out_count;
    struct display_msg out[OUTBOX];
};

static struct {
    struct evl_loop loop;
    struct evl_timer frame;
    struct evl_defer compose;
    struct client *clients;
    size_t live;
    uint32_t frame_no;
    uint64_t damage;
    unsigned long in[DISPLAY_BYE + 1], out[DISPLAY_BYE + 1];
    unsigned long dropped, composites, bad_exits;
} srv;

/* ---- Sending: straight into the channel, or through the outbox ---- */

static void want_pollout(struct client *c, bool on)
{
    short events = POLLIN | (on ? POLLOUT : 0);
    if (c->io.events != events)
        evl_io_set_events(&c->io, events);
}

static void flush(struct client *c)
{
    while (c->out_count) {
        if (write(c->fd, &c->out[c->out_head], sizeof(struct display_msg)) < 0)
            break;
        c->out_head = (c->out_head + 1) % OUTBOX;
        c->out_count--;
    }
    want_pollout(c, c->out_count != 0);
}

/* Sends m to c. Events may be dropped when the outbox is nearly full; replies may not. */
static void post(struct client *c, uint32_t type, uint32_t seq, uint32_t a0, uint32_t a1)
{
    struct display_msg m = {.type = type, .client = c->id, .seq = seq, .arg = {a0, a1}};
    srv.out[type]++;
    if (c->out_count == 0 && write(c->fd, &m, sizeof(m)) == sizeof(m))
        return;
    bool droppable = type == DISPLAY_FRAME || type == DISPLAY_EVENT;
    if (c->out_count >= (droppable ? OUTBOX - 2 : OUTBOX)) {
        srv.out[type]--;
        srv.dropped++;
        return;
    }
    c->out[(c->out_head + c->out_count++) % OUTBOX] = m;
    want_pollout(c, true);
}

/* ---- Receiving ---- */

/* The client hung up: close our end (both ends are closed now, so the channel is freed).
 * Its process is reaped after the run, outside the measured part. */
static void disconnect(struct client *c)
{
    evl_io_stop(&c->io);
    close(c->fd);
    c->connected = false;
    if (--srv.live == 0)
        evl_timer_stop(&srv.frame);
}

static void compose(struct evl_loop *loop, struct evl_defer *d)
{
    (void)loop, (void)d;
    srv.composites++;
    srv.damage = 0;
}

static void handle(struct client *c, const struct display_msg *m)
{
    srv.in[m->type <= DISPLAY_BYE ? m->type : 0]++;
    switch (m->type) {
    case DISPLAY_HELLO:
        c->connected = true;
        post(c, DISPLAY_WELCOME, 0, 0, 0);
        break;
    case DISPLAY_DRAW:
        srv.damage += (uint64_t)m->arg[2] * m->arg[3];
        evl_defer(&srv.loop, &srv.compose, compose, NULL);
        post(c, DISPLAY_REPLY, m->seq, srv.frame_no + 1, 0);
        break;
    case DISPLAY_INPUT: {
        struct client *focus = &srv.clients[(c->id + 1) % DISPLAY_CLIENTS];
        if (focus->connected)
            post(focus, DISPLAY_EVENT, m->seq, m->arg[0], c->id);
        break;
    }
    default:
        break;
    }
}

static void on_client(struct evl_loop *loop, struct evl_io *io, short revents)
{
    (void)loop;
    struct client *c = io->data;
    if (revents & POLLOUT)
        flush(c);
    if (!(revents & (POLLIN | POLLHUP | POLLERR)))
        return;
    struct display_msg buf[BATCH];
    ssize_t n = read(c->fd, buf, sizeof(buf));
    for (ssize_t i = 0; i + (ssize_t)sizeof(buf[0]) <= n; i += sizeof(buf[0]))
        handle(c, &buf[i / sizeof(buf[0])]);
    if (n <= 0 && (revents & (POLLHUP | POLLERR)))
        disconnect(c);
}

static void on_frame(struct evl_loop *loop, struct evl_timer *t)
{
    (void)loop, (void)t;
    srv.frame_no++;
    for (size_t i = 0; i < DISPLAY_CLIENTS; i++)
        if (srv.clients[i].connected)
            post(&srv.clients[i], DISPLAY_FRAME, srv.frame_no, 0, 0);
}

/* ---- Start-up ---- */

/*
 * rt_process_create takes each VSpace's ASID from the pool cap in the root task's slot
 * seL4_CapInitThreadASIDPool, and a pool holds 512 ASIDs (the boot pool 511, one of them
 * the root task's): at most 510 children. Every ASIDS_PER_POOL clients a new pool goes
 * into that slot; the full one moves to a slot of its own, where its ASIDs still return
 * when processes are destroyed.
 */
#define ASIDS_PER_POOL 500

static bool fresh_asid_pool(void)
{
    struct rt_untyped ut;
    seL4_CPtr keep;
    if (rt_untyped_alloc(seL4_PageBits, &ut) != seL4_NoError ||
        rt_cspace_alloc(&keep) != seL4_NoError)
        return false;
    return seL4_CNode_Move(rt_cspace_root(), keep, RT_CSPACE_DEPTH, rt_cspace_root(),
                           seL4_CapInitThreadASIDPool, RT_CSPACE_DEPTH) == seL4_NoError &&
           seL4_ARM_ASIDControl_MakePool(seL4_CapASIDControl, ut.cap, rt_cspace_root(),
                                         seL4_CapInitThreadASIDPool,
                                         RT_CSPACE_DEPTH) == seL4_NoError;
}

static bool spawn(struct client *c, uint32_t id)
{
    seL4_Word words[DISPLAY_NUM_WORDS] = {0, 0, id, DISPLAY_ROUNDS};
    struct rt_process_config cfg = {
        .priority = PRIO,
        .cnode_bits = 5,
        .stack_size = 0x4000,
        .words = words,
        .num_words = DISPLAY_NUM_WORDS,
        .name = "display_client",
    };
    int ch[2];
    size_t size = (size_t)(embedded_display_client_end - embedded_display_client);
    c->id = id;
    if (posix_channel_pair(ch) < 0)
        return false;
    if (rt_process_create(&c->proc, embedded_display_client, size, &cfg) != seL4_NoError ||
        posix_channel_give(ch[1], &c->proc, &rt_process_info(&c->proc)->words[0]) < 0)
        return false;
    c->fd = ch[0];
    fcntl(c->fd, F_SETFL, O_NONBLOCK);
    if (evl_io_start(&srv.loop, &c->io, c->fd, POLLIN, on_client, c) < 0)
        return false;
    srv.live++;
    return rt_process_start(&c->proc) == seL4_NoError;
}

static void report(seL4_Word instr, const seL4_BenchmarkCounters *k, bool counters, uint64_t ns)
{
    unsigned long in = 0, out = 0;
    for (int t = 0; t <= DISPLAY_BYE; t++) {
        in += srv.in[t];
        out += srv.out[t];
    }
    unsigned long msgs = in + out;
    printf("display: in: %lu hello, %lu draw, %lu input, %lu bye; out: %lu welcome, %lu reply, "
           "%lu event, %lu frame (%lu frame/event dropped); %lu composites\n",
           srv.in[DISPLAY_HELLO], srv.in[DISPLAY_DRAW], srv.in[DISPLAY_INPUT], srv.in[DISPLAY_BYE],
           srv.out[DISPLAY_WELCOME], srv.out[DISPLAY_REPLY], srv.out[DISPLAY_EVENT],
           srv.out[DISPLAY_FRAME], srv.dropped, srv.composites);
    printf("display: %lu messages in %llu ms of virtual time: %llu messages/s (indicative)\n", msgs,
           (unsigned long long)(ns / 1000000),
           (unsigned long long)(ns ? msgs * 1000000000ull / ns : 0));
    if (counters)
        printf("display: per message: %lu.%02lu instructions, %lu.%03lu kernel entries, "
               "%lu.%03lu context switches (PMCCNTR, exact under -icount)\n",
               (unsigned long)(instr / msgs), (unsigned long)(instr % msgs * 100 / msgs),
               (unsigned long)(k->kernel_entries / msgs),
               (unsigned long)(k->kernel_entries % msgs * 1000 / msgs),
               (unsigned long)(k->context_switches / msgs),
               (unsigned long)(k->context_switches % msgs * 1000 / msgs));
}

int main(void)
{
    if (rt_init(0) != seL4_NoError)
        return 1;
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, PRIO);
    struct posix_config cfg = {.capacity = DISPLAY_CLIENTS + 16, .waiter_priority = PRIO};
    srv.clients = calloc(DISPLAY_CLIENTS, sizeof(*srv.clients));
    if (!srv.clients || posix_init(&cfg) < 0 || evl_init(&srv.loop) < 0) {
        printf("display: set-up failed\n");
        return 1;
    }
    printf("display: %d clients x %d rounds, backend %s\n", DISPLAY_CLIENTS, DISPLAY_ROUNDS,
           ns_backend_name(posix_backend()));
    seL4_Word free0 = rt_untyped_free_bytes();
    uint64_t t0 = posix_clock_ticks();
    for (uint32_t i = 0; i < DISPLAY_CLIENTS; i++) {
        if ((i > 0 && i % ASIDS_PER_POOL == 0 && !fresh_asid_pool()) ||
            !spawn(&srv.clients[i], i)) {
            printf("display: client %u could not be started (%lu MiB free)\n", i,
                   (unsigned long)(rt_untyped_free_bytes() >> 20));
            return 1;
        }
    }
    printf("display: %d clients started in %llu ms; %lu KiB of memory each (process, "
           "channel, registration)\n",
           DISPLAY_CLIENTS,
           (unsigned long long)(posix_ns_from_ticks(posix_clock_ticks() - t0) / 1000000),
           (unsigned long)((free0 - rt_untyped_free_bytes()) / DISPLAY_CLIENTS / 1024));
    evl_timer_start(&srv.loop, &srv.frame, FRAME_NS, FRAME_NS, on_frame, NULL);
    bool counters = seL4_BenchmarkResetCounters() == seL4_NoError;
    seL4_Word c0 = counters ? seL4_BenchmarkReadCycles() : 0;
    t0 = posix_clock_ticks();
    int rc = evl_run(&srv.loop);
    uint64_t ns = posix_ns_from_ticks(posix_clock_ticks() - t0);
    seL4_BenchmarkCounters k = {0};
    seL4_Word instr = counters ? seL4_BenchmarkReadCycles() - c0 : 0;
    if (counters)
        seL4_BenchmarkGetCounters(&k);
    report(instr, &k, counters, ns);
    for (size_t i = 0; i < DISPLAY_CLIENTS; i++) {
        int status = -1;
        rt_process_wait(&srv.clients[i].proc, &status);
        srv.bad_exits += status != 0;
        rt_process_destroy(&srv.clients[i].proc);
    }
    bool ok = rc == 0 && srv.bad_exits == 0 && srv.in[DISPLAY_BYE] == DISPLAY_CLIENTS &&
              srv.out[DISPLAY_REPLY] == srv.in[DISPLAY_DRAW];
    printf("display: %s (%lu clients exited with an error)\n", ok ? "done" : "FAILED",
           srv.bad_exits);
    posix_fini();
    return ok ? 0 : 1;
}

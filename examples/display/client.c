/*
 * A client of the display example (a child process): adopts its channel, says HELLO, then
 * for each round sends a DRAW request and waits for its REPLY, and every fourth round an
 * INPUT event too; FRAME and EVENT messages that arrive meanwhile are counted. Then BYE,
 * close, exit. Blocking reads and writes: the client waits on its channel's notification.
 * Exit status 0 when every reply came back in order.
 */
#include <runtime.h>
#include <unistd.h>
#include <posix/channel.h>
#include "protocol.h"

static int fd;
static uint32_t id;

static int send_msg(uint32_t type, uint32_t seq, uint32_t a0)
{
    struct display_msg m = {.type = type, .client = id, .seq = seq, .arg = {a0, 10, 20, 30}};
    return write(fd, &m, sizeof(m)) == sizeof(m) ? 0 : -1;
}

/* Reads messages until the REPLY (or WELCOME) numbered seq arrives. */
static int wait_for(uint32_t type, uint32_t seq)
{
    struct display_msg m;
    for (;;) {
        if (read(fd, &m, sizeof(m)) != sizeof(m))
            return -1;
        if (m.type == type)
            return m.seq == seq ? 0 : -1;
    }
}

int main(void)
{
    const struct rt_start_info *si = rt_start_info();
    if (!si || si->num_words < DISPLAY_NUM_WORDS)
        return 1;
    fd = posix_channel_adopt(&si->words[DISPLAY_WORD_CHANNEL]);
    id = (uint32_t)si->words[DISPLAY_WORD_ID];
    uint32_t rounds = (uint32_t)si->words[DISPLAY_WORD_ROUNDS];
    if (fd < 0 || send_msg(DISPLAY_HELLO, 0, id) < 0 || wait_for(DISPLAY_WELCOME, 0) < 0)
        return 2;
    for (uint32_t r = 1; r <= rounds; r++) {
        if (r % 4 == 0 && send_msg(DISPLAY_INPUT, r, 'a' + r % 26) < 0)
            return 3;
        if (send_msg(DISPLAY_DRAW, r, r * 8) < 0 || wait_for(DISPLAY_REPLY, r) < 0)
            return 4;
    }
    if (send_msg(DISPLAY_BYE, rounds + 1, 0) < 0)
        return 5;
    return close(fd) == 0 ? 0 : 6;
}

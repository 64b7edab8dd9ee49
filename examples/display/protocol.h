/*
 * The display example's wire protocol: fixed 32-byte messages over a posix/ channel, one
 * per client. A client says HELLO, then sends DRAW requests (each answered with a REPLY
 * carrying its sequence number) and INPUT events (the server routes each to the client
 * that has the focus, as an EVENT), then BYE, and closes. The server also broadcasts a
 * FRAME event to every client at each frame tick.
 */
#ifndef DISPLAY_PROTOCOL_H
#define DISPLAY_PROTOCOL_H

#include <stdint.h>

enum display_type {
    DISPLAY_HELLO = 1, /* client -> server: arg[0] = client id */
    DISPLAY_WELCOME,   /* server -> client */
    DISPLAY_DRAW,      /* client -> server: seq, arg = x, y, w, h */
    DISPLAY_REPLY,     /* server -> client: seq of the DRAW, arg[0] = frame it lands in */
    DISPLAY_INPUT,     /* client -> server: arg[0] = key code */
    DISPLAY_EVENT,     /* server -> client: arg[0] = key code, arg[1] = sender id */
    DISPLAY_FRAME,     /* server -> client: seq = frame number */
    DISPLAY_BYE,       /* client -> server */
};

struct display_msg {
    uint32_t type;
    uint32_t client;
    uint32_t seq;
    uint32_t arg[5];
};

_Static_assert(sizeof(struct display_msg) == 32, "32-byte messages");

/* Start-info words of a client (after the channel's two). */
enum {
    DISPLAY_WORD_CHANNEL = 0, /* two words: posix_channel_give's */
    DISPLAY_WORD_ID = 2,
    DISPLAY_WORD_ROUNDS = 3,
    DISPLAY_NUM_WORDS = 4,
};

#endif

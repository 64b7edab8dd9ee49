/*
 * Channels: byte streams between processes (or within one) over a shared frame, with a
 * notification per end (docs/posix.md, "Channels").
 *
 *   frame (4 KiB, mapped in both processes)
 *   +--------------------------------------------------+
 *   | closed bits | ring 0: tail, head, want | ring 1   |   ring d carries bytes from end d
 *   | data 0 (POSIX_CHANNEL_RING bytes)                 |   to end 1-d; head and tail are
 *   | data 1                                            |   free-running 64-bit counters
 *   +--------------------------------------------------+
 *   notification of end 0 <- signalled by end 1 (data for 0, space for 0, hang-up of 1)
 *   notification of end 1 <- signalled by end 0
 *
 * pipe() makes a channel whose end 0 only writes and end 1 only reads. posix_channel_pair
 * makes one whose ends both read and write. Either end may then move to a child process:
 * posix_channel_give shares the frame and copies the two notification caps into the
 * child's CNode, and the child turns the two words it is handed into a descriptor with
 * posix_channel_adopt. The memory and notifications stay owned by the root task; they are
 * freed when both ends are closed (the root task sees the child's close in the frame), or
 * by posix_reap(true) after the child is gone.
 */
#ifndef POSIX_CHANNEL_H
#define POSIX_CHANNEL_H

#include <stdbool.h>
#include <sel4/sel4.h>

#define POSIX_CHANNEL_RING  1952 /* bytes per direction */
#define POSIX_CHANNEL_WORDS 2    /* start-info words that describe a given end */

struct rt_process;

/* Two connected descriptors that both read and write (like socketpair). Root task only.
 * -1 with errno EMFILE or ENOMEM. */
int posix_channel_pair(int fds[2]);
/* Moves the channel end fd to child p (created, started or not): maps the frame there, puts
 * the end's caps in two free slots of p's CNode (taken from its start info's empty region)
 * and fills words[] for p to pass to posix_channel_adopt (the caller stores them in the
 * start info's words[] or sends them otherwise). fd is then closed here without hanging
 * up. -1 with errno EBADF (not a channel end), EINVAL (its channel already has an end in
 * another process), ENOMEM. */
int posix_channel_give(int fd, struct rt_process *p, seL4_Word words[POSIX_CHANNEL_WORDS]);
/* In the process that was given an end: the end as a new descriptor (EMFILE, ENOMEM,
 * EINVAL for words that do not describe an end). */
int posix_channel_adopt(const seL4_Word words[POSIX_CHANNEL_WORDS]);
/* Frees channels whose local ends are closed and whose end in another process has closed
 * too; with force, every channel whose local ends are closed (only once the other process
 * is destroyed: its mapping of the frame goes away). Returns how many were freed. */
int posix_reap(bool force);

#endif

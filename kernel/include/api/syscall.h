/* System call entry. */
#ifndef API_SYSCALL_H
#define API_SYSCALL_H

#include <object/tcb.h>

/* Handles the syscall whose number thread t left in x7. May block or switch threads (it
 * only records a scheduler action; kernel_exit carries it out). */
void handle_syscall(struct tcb *t);

#endif

/*
 * CNodes: capability address resolution and the CNode invocations.
 */
#ifndef OBJECT_CNODE_H
#define OBJECT_CNODE_H

#include <object/cap.h>

#define CNODE_SLOT_BITS 5 /* seL4_SlotBits */

struct tcb;
struct invocation;

/* Resolves the top `depth` bits of cptr through the CNode cap root, as seL4's
 * resolveAddressBits: each level consumes its guard and radix. On success *slot is the
 * slot reached and *bits_left the bits not consumed (non-zero when a non-CNode cap was
 * reached first). Returns seL4_NoError or seL4_FailedLookup. */
int cnode_resolve(struct cap root, word_t cptr, unsigned depth, struct cte **slot,
                  unsigned *bits_left);
/* Looks cptr up in thread t's CSpace (depth 64), as an invocation does. */
int cnode_lookup_slot(struct tcb *t, word_t cptr, struct cte **slot);
/* Looks up a slot named by (root, index, depth) for a CNode operation: depth 1..64
 * (seL4_RangeError otherwise) and all of it consumed (seL4_FailedLookup otherwise). */
int cnode_lookup_op_slot(struct cap root, word_t index, word_t depth, struct cte **slot);

/* Applies badge/guard data to a cap for Mint (preserve = false) or Mutate (true); returns
 * a null cap if the data cannot apply (seL4's updateCapData). */
struct cap cap_update_data(bool preserve, word_t data, struct cap c);
/* The cap a copy of the cap in slot would be (seL4's deriveCap): err is set when it
 * cannot be copied. */
struct cap cap_derive(struct cte *slot, struct cap c, int *err);

int cnode_decode(struct invocation *inv);

#endif

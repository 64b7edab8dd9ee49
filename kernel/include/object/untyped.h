/* Untyped memory: the one source of all kernel objects. */
#ifndef OBJECT_UNTYPED_H
#define OBJECT_UNTYPED_H

#include <object/cap.h>
#include <sel4/objecttype.h>

/* log2 of the size in bytes of one object of type with the user's size_bits, or -1 if
 * the type or size is invalid (*err says which: InvalidArgument or RangeError). */
int object_size_bits(word_t type, word_t user_bits, int *err);

/* Makes an object of type at kernel address obj (already zeroed unless device memory)
 * and returns a cap to it with all rights. */
struct cap object_create(seL4_ObjectType type, void *obj, unsigned user_bits, bool device);

#endif

/*
 * The error codes every invocation returns, with seL4's names and values.
 * Shared by the kernel and user programs; extended only with reasons, never new values.
 */
#ifndef SEL4_ERRORS_H
#define SEL4_ERRORS_H

typedef enum {
    seL4_NoError = 0,
    seL4_InvalidArgument = 1,
    seL4_InvalidCapability = 2,
    seL4_IllegalOperation = 3,
    seL4_RangeError = 4,
    seL4_AlignmentError = 5,
    seL4_FailedLookup = 6,
    seL4_TruncatedMessage = 7,
    seL4_DeleteFirst = 8,
    seL4_RevokeFirst = 9,
    seL4_NotEnoughMemory = 10,
    seL4_NumErrors
} seL4_Error;

#endif

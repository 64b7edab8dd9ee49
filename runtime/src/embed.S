/* One user program's ELF file carried inside another program (cmake: ns_embed_programs).
 * Defines embedded_<name>[] and embedded_<name>_end[]. */
#define CAT3(a, b, c) a##b##c
#define SYM(n) CAT3(embedded_, n, )
#define SYM_END(n) CAT3(embedded_, n, _end)
    .section .rodata.embedded, "a"
    .balign 16
    .global SYM(EMBED_NAME)
SYM(EMBED_NAME):
    .incbin EMBED_PATH
    .global SYM_END(EMBED_NAME)
SYM_END(EMBED_NAME):

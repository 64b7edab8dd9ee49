/* Unit tests of the kernel's ELF64 reader (kernel/boot/elf.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <elf64.h>

#define LIMIT 0x0001000000000000ull

/* A well-formed image: header, two program headers (text, data) and 256 bytes of file. */
struct image {
    struct elf64_ehdr eh;
    struct elf64_phdr ph[3];
    unsigned char body[256];
};

static struct image img;

static void make_image(unsigned nph)
{
    memset(&img, 0, sizeof(img));
    memcpy(img.eh.e_ident,
           "\x7f"
           "ELF",
           4);
    img.eh.e_ident[4] = 2;
    img.eh.e_ident[5] = 1;
    img.eh.e_ident[6] = 1;
    img.eh.e_type = 2;
    img.eh.e_machine = ELF_EM_AARCH64;
    img.eh.e_entry = 0x400000;
    img.eh.e_phoff = offsetof(struct image, ph);
    img.eh.e_phentsize = sizeof(struct elf64_phdr);
    img.eh.e_phnum = (uint16_t)nph;
    img.ph[0] = (struct elf64_phdr){.p_type = ELF_PT_LOAD,
                                    .p_flags = ELF_PF_R | ELF_PF_X,
                                    .p_offset = offsetof(struct image, body),
                                    .p_vaddr = 0x400000,
                                    .p_filesz = 128,
                                    .p_memsz = 128};
    img.ph[1] = (struct elf64_phdr){.p_type = ELF_PT_LOAD,
                                    .p_flags = ELF_PF_R | ELF_PF_W,
                                    .p_offset = offsetof(struct image, body) + 128,
                                    .p_vaddr = 0x401000,
                                    .p_filesz = 128,
                                    .p_memsz = 8192};
    img.ph[2] = (struct elf64_phdr){.p_type = 7 /* PT_TLS */, .p_offset = 0};
}

static void test_valid_image_is_accepted(void **state)
{
    (void)state;
    make_image(3);
    assert_int_equal(elf_validate(&img, sizeof(img), LIMIT), ELF_OK);
    assert_int_equal(elf_entry(&img), 0x400000);
    assert_int_equal(elf_num_phdrs(&img), 3);
}

static void test_segments_are_reported_and_others_skipped(void **state)
{
    (void)state;
    make_image(3);
    struct elf_segment seg;
    assert_int_equal(elf_segment(&img, 0, &seg), 1);
    assert_int_equal(seg.vaddr, 0x400000);
    assert_int_equal(seg.flags, ELF_PF_R | ELF_PF_X);
    assert_int_equal(elf_segment(&img, 1, &seg), 1);
    assert_int_equal(seg.memsz, 8192);
    assert_int_equal(seg.filesz, 128);
    assert_int_equal(elf_segment(&img, 2, &seg), 0);
}

static void test_short_image_is_truncated(void **state)
{
    (void)state;
    make_image(2);
    assert_int_equal(elf_validate(&img, sizeof(struct elf64_ehdr) - 1, LIMIT), ELF_ERR_TRUNCATED);
}

static void test_bad_magic_is_rejected(void **state)
{
    (void)state;
    make_image(2);
    img.eh.e_ident[1] = 'X';
    assert_int_equal(elf_validate(&img, sizeof(img), LIMIT), ELF_ERR_MAGIC);
    make_image(2);
    img.eh.e_ident[4] = 1; /* 32-bit class */
    assert_int_equal(elf_validate(&img, sizeof(img), LIMIT), ELF_ERR_MAGIC);
}

static void test_other_machine_is_rejected(void **state)
{
    (void)state;
    make_image(2);
    img.eh.e_machine = 62; /* x86-64 */
    assert_int_equal(elf_validate(&img, sizeof(img), LIMIT), ELF_ERR_MACHINE);
    make_image(2);
    img.eh.e_type = 3; /* shared object */
    assert_int_equal(elf_validate(&img, sizeof(img), LIMIT), ELF_ERR_MACHINE);
}

static void test_program_headers_past_end_are_truncated(void **state)
{
    (void)state;
    make_image(2);
    img.eh.e_phoff = sizeof(img) - 8;
    assert_int_equal(elf_validate(&img, sizeof(img), LIMIT), ELF_ERR_TRUNCATED);
    make_image(2);
    img.eh.e_phoff = UINT64_MAX - 8; /* offset + table size overflows */
    assert_int_equal(elf_validate(&img, sizeof(img), LIMIT), ELF_ERR_TRUNCATED);
}

static void test_segment_outside_file_is_rejected(void **state)
{
    (void)state;
    make_image(2);
    img.ph[1].p_offset = sizeof(img) - 64; /* 128 file bytes run past the end */
    assert_int_equal(elf_validate(&img, sizeof(img), LIMIT), ELF_ERR_SEGMENT);
    make_image(2);
    img.ph[1].p_offset = UINT64_MAX;
    assert_int_equal(elf_validate(&img, sizeof(img), LIMIT), ELF_ERR_SEGMENT);
}

static void test_filesz_above_memsz_is_rejected(void **state)
{
    (void)state;
    make_image(2);
    img.ph[0].p_memsz = 64;
    assert_int_equal(elf_validate(&img, sizeof(img), LIMIT), ELF_ERR_SEGMENT);
}

static void test_segment_beyond_user_space_is_rejected(void **state)
{
    (void)state;
    make_image(2);
    img.ph[1].p_vaddr = LIMIT - 4096; /* memsz 8192 crosses the limit */
    assert_int_equal(elf_validate(&img, sizeof(img), LIMIT), ELF_ERR_SEGMENT);
    make_image(2);
    img.ph[1].p_vaddr = UINT64_MAX - 100; /* vaddr + memsz wraps */
    assert_int_equal(elf_validate(&img, sizeof(img), LIMIT), ELF_ERR_SEGMENT);
    make_image(2);
    img.eh.e_entry = LIMIT;
    assert_int_equal(elf_validate(&img, sizeof(img), LIMIT), ELF_ERR_SEGMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_image_is_accepted),
        cmocka_unit_test(test_segments_are_reported_and_others_skipped),
        cmocka_unit_test(test_short_image_is_truncated),
        cmocka_unit_test(test_bad_magic_is_rejected),
        cmocka_unit_test(test_other_machine_is_rejected),
        cmocka_unit_test(test_program_headers_past_end_are_truncated),
        cmocka_unit_test(test_segment_outside_file_is_rejected),
        cmocka_unit_test(test_filesz_above_memsz_is_rejected),
        cmocka_unit_test(test_segment_beyond_user_space_is_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

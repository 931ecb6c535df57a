UT_TESTS += insn_decode
ut-insn_decode-srcs := tests/unit/test_insn_decode.c vmm/insn_decode.c

# SPDX-License-Identifier: MIT
#
# libFuzzer harnesses over the pure decoders (included by the Makefile):
#   make fuzz-build   build/fuzz/<name> (clang, ASan+UBSan+libFuzzer)
#   make fuzz-smoke   each target for FUZZ_SECONDS (default 20) over its seed
#                     corpus, after replaying tests/fuzz/regressions/<target>/;
#                     prints "fuzz: N passed, N failed" (make test runs it)
#   make fuzz         each target for FUZZ_RUNS executions (default 10 million)
# Seeds: tests/fuzz/corpus/<target>/ (read-only); new inputs go to
# build/fuzz/corpus/<target>/, crashes to build/fuzz/artifacts/<target>/,
# logs to build/test-logs/fuzz/. A target passes if it ran without a crash.

FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -I. \
	-include tests/unit/host_names.h -DHOST_TEST \
	-Wall -Wextra -Werror -Wshadow

FUZZ_TARGETS := insn guest_walk viommu_iq viommu_walk viommu_regs
fuzz-insn-srcs := tests/fuzz/fuzz_insn.c vmm/insn_decode.c lib/string.c
fuzz-guest_walk-srcs := tests/fuzz/fuzz_guest_walk.c vmm/guest_walk.c \
	lib/string.c
fuzz-viommu_iq-srcs := tests/fuzz/fuzz_viommu_iq.c viommu/iq.c lib/string.c
fuzz-viommu_walk-srcs := tests/fuzz/fuzz_viommu_walk.c viommu/walk.c \
	lib/string.c
fuzz-viommu_regs-srcs := tests/fuzz/fuzz_viommu_regs.c viommu/regs.c lib/string.c
# The range walk's read budget, 2^20 in the hypervisor, is 4096 here: the
# same code path ends every looping or huge tree, at 1/256 of the cost
# (with 2^20 this target ran at 40-700 executions/s, 10 M took days).
fuzz-viommu_walk-cflags := -DVIOMMU_WALK_RANGE_BUDGET=4096

FUZZ_BINS := $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZ_TARGETS))

# lib/string.c (byte loops) is built with the sanitizers but without
# libFuzzer's coverage hooks: per-byte comparison tracing in memcmp/memset
# tells the fuzzer nothing and cost over half of viommu_regs' time.
comma := ,
$(BUILD)/fuzz/lib_string.o: lib/string.c $(wildcard lib/*.h) tests/unit/host_names.h
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZCC  $@")
	$(Q)$(FUZZ_CC) $(subst -fsanitize=fuzzer$(comma),-fsanitize=,$(FUZZ_CFLAGS)) -c $< -o $@

define fuzz_rule
$(BUILD)/fuzz/fuzz_$(1): $$(fuzz-$(1)-srcs) $(BUILD)/fuzz/lib_string.o \
		$$(wildcard vmm/*.h lib/*.h viommu/*.h drivers/vtd_hw.h) tests/unit/host_names.h
	@mkdir -p $$(dir $$@)
	$$(if $$(Q),@echo "  FUZZCC  $$@")
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) $$(fuzz-$(1)-cflags) $$(filter-out lib/string.c,$$(fuzz-$(1)-srcs)) \
		$(BUILD)/fuzz/lib_string.o -o $$@
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

.PHONY: fuzz-build fuzz-smoke fuzz
fuzz-build: $(FUZZ_BINS)

fuzz-smoke: fuzz-build
	$(Q)BUILD=$(BUILD) tests/fuzz/run.sh $${FUZZ_SECONDS:-20} $(FUZZ_TARGETS)

fuzz: fuzz-build
	$(Q)BUILD=$(BUILD) FUZZ_RUNS=$${FUZZ_RUNS:-10000000} tests/fuzz/run.sh 0 $(FUZZ_TARGETS)

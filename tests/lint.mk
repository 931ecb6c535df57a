# SPDX-License-Identifier: MIT
#
# Static checks over the hypervisor sources (included by the Makefile):
#   make lint           cppcheck + clang-tidy + format-check, then one line
#                       "lint: N passed, N failed" (one per tool)
#   make cppcheck       cppcheck only (tune with inline suppressions:
#                       // cppcheck-suppress <id>, each with a reason)
#   make tidy           clang-tidy only (checks and their justification in
#                       .clang-tidy), one clang process per file, in parallel
#   make format-check   clang-format --dry-run --Werror over every .c/.h in
#                       the hypervisor directories and tests/unit (.clang-format)
#   make format         rewrite the files in place with clang-format
# Full tool output goes to build/test-logs/lint/.

# cppcheck and clang-tidy look at the C files the image is built from (the
# hv-objs of every build.mk, plus the asm-offsets generator): a file not yet
# wired into the build is work in progress. Headers are checked through them.
LINT_DIRS := boot drivers lib vmm viommu
LINT_SRCS = $(sort $(wildcard $(patsubst %.o,%.c,$(hv-objs)) boot/asm_offsets.c))
FORMAT_SRCS = $(sort $(wildcard $(addsuffix /*.[ch],$(LINT_DIRS) tests/unit)))
LINT_LOG := $(BUILD)/test-logs/lint
LINT_JOBS := $(shell nproc 2>/dev/null || echo 2)

CPPCHECK_FLAGS := --error-exitcode=1 --enable=warning,portability \
	--inline-suppr -I. --suppress=missingIncludeSystem --quiet \
	--std=c11 --platform=unix64 -j $(LINT_JOBS)

# clang-tidy compiles each file with the hypervisor's own flags, minus what
# clang does not take or does not need: dependency output, gcc's private
# header directory (clang's own freestanding headers replace it) and the
# warning flags (the gcc build owns warnings; tidy reports only its checks).
CLANG_INC := $(shell clang -print-resource-dir 2>/dev/null)/include
TIDY_CFLAGS = $(filter-out -MMD -MP -W% -isystem \
	$(shell $(CC) -print-file-name=include),$(HV_CFLAGS)) -isystem $(CLANG_INC)

.PHONY: lint cppcheck tidy format-check format
lint:
	@mkdir -p $(LINT_LOG); p=0; f=0; \
	for t in cppcheck tidy format-check; do \
		if $(MAKE) --no-print-directory -s $$t; then p=$$((p + 1)); \
		else f=$$((f + 1)); fi; \
	done; \
	echo "lint: $$p passed, $$f failed"; [ $$f -eq 0 ]

cppcheck:
	@mkdir -p $(LINT_LOG)
	@if cppcheck $(CPPCHECK_FLAGS) $(LINT_SRCS) >$(LINT_LOG)/cppcheck.txt 2>&1; then \
		echo "  lint cppcheck: ok ($(words $(LINT_SRCS)) files)"; \
	else \
		head -60 $(LINT_LOG)/cppcheck.txt; \
		echo "  lint cppcheck: FAILED (all output: $(LINT_LOG)/cppcheck.txt)"; \
		exit 1; \
	fi

# One file per clang-tidy process: with several files in one process, the
# clang 14 analyzer reports false valist.Uninitialized findings.
tidy:
	@mkdir -p $(LINT_LOG)
	@if printf '%s\n' $(LINT_SRCS) | xargs -P $(LINT_JOBS) -I{} \
		clang-tidy --quiet {} -- $(TIDY_CFLAGS) >$(LINT_LOG)/clang-tidy.txt 2>&1; then \
		echo "  lint clang-tidy: ok ($(words $(LINT_SRCS)) files)"; \
	else \
		grep -v -E '^[0-9]+ (warning|error)s? (generated|treated)|^Error while processing|^Suppressed [0-9]+ warnings|^Use -header-filter' \
			$(LINT_LOG)/clang-tidy.txt | head -80; \
		echo "  lint clang-tidy: FAILED (all output: $(LINT_LOG)/clang-tidy.txt)"; \
		exit 1; \
	fi

format-check:
	@mkdir -p $(LINT_LOG)
	@bad=0; : >$(LINT_LOG)/clang-format.txt; \
	for f in $(FORMAT_SRCS); do \
		n=$$(clang-format --dry-run "$$f" 2>&1 | tee -a $(LINT_LOG)/clang-format.txt | \
			grep -c 'warning:'); \
		if [ "$$n" -ne 0 ]; then \
			[ $$bad -eq 0 ] && echo "  not clang-format clean (fix: clang-format -i FILE):"; \
			echo "    $$f: $$n places"; bad=$$((bad + 1)); \
		fi; \
	done; \
	if [ $$bad -eq 0 ]; then \
		echo "  lint clang-format: ok ($(words $(FORMAT_SRCS)) files)"; \
	else \
		echo "  lint clang-format: FAILED, $$bad files (all output: $(LINT_LOG)/clang-format.txt)"; \
		exit 1; \
	fi

format:
	clang-format -i $(FORMAT_SRCS)

// SPDX-License-Identifier: MIT
/*
 * The fake guest memory of the viommu/walk.c tests
 * (tests/unit/viommu_walk_bed.h): pages at chosen gpas behind the
 * struct viommu_guest_mem ops, read counters, and the standard tree.
 */
#include "tests/unit/viommu_walk_bed.h"
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "lib/bitops.h"

struct fake_mem *fm;

static struct fake_page *page_at(gpa_t gpa)
{
	for (unsigned int i = 0; i < fm->n; i++)
		if (fm->pages[i].gpa == (gpa & PAGE_MASK))
			return &fm->pages[i];
	return NULL;
}

static bool fake_read(void *ctx, gpa_t gpa, void *buf, u32 len)
{
	struct fake_page *p = page_at(gpa);

	assert_ptr_equal(ctx, fm);
	/* Every read the walker makes stays inside one page. */
	if (!p || !p->ram || len == 0 || (gpa & ~PAGE_MASK) + len > PAGE_SIZE) {
		fm->refused++;
		fm->last_refused = gpa;
		return false;
	}
	memcpy(buf, (u8 *)p->data + (gpa & ~PAGE_MASK), len);
	fm->reads++;
	if (fm->refused)
		fm->reads_after_refusal++;
	return true;
}

static bool fake_write(void *ctx, gpa_t gpa, const void *buf, u32 len)
{
	(void)ctx, (void)gpa, (void)buf, (void)len;
	fail_msg("the walker never writes guest memory");
	return false;
}

u64 *add_page(gpa_t gpa, bool ram)
{
	struct fake_page *p = page_at(gpa);

	if (!p) {
		assert_true(fm->n < FM_MAX);
		p = &fm->pages[fm->n++];
		p->gpa = gpa;
	}
	p->ram = ram;
	return p->data;
}

u64 *tbl(gpa_t gpa)
{
	struct fake_page *p = page_at(gpa);

	assert_non_null(p);
	return p->data;
}

int setup(void **state)
{
	(void)state;
	fm = calloc(1, sizeof(*fm));
	fm->ops = (struct viommu_guest_mem){ fake_read, fake_write, fm };
	return 0;
}

int teardown(void **state)
{
	(void)state;
	free(fm);
	return 0;
}

void set_context(u64 lo, u64 hi)
{
	add_page(ROOT, true)[BUS * 2] = CTXT | VTD_ROOT_LO_P;
	add_page(CTXT, true);
	tbl(CTXT)[DEVFN * 2] = lo;
	tbl(CTXT)[DEVFN * 2 + 1] = hi;
}

struct viommu_context ctx_of(unsigned int levels, gpa_t top)
{
	return (struct viommu_context){
		.present = true,
		.tt = VTD_TT_UNTRANSLATED,
		.did = DID,
		.levels = levels,
		.slptptr = top,
	};
}

struct viommu_context tree4(void)
{
	add_page(L4, true)[0] = L3 | RW;
	add_page(L3, true)[0] = L2 | RW;
	add_page(L2, true)[0] = L1 | RW;
	add_page(L1, true);
	return ctx_of(4, L4);
}

int walk(const struct viommu_context *c, iova_t iova, struct viommu_xlate *x)
{
	return viommu_walk(&fm->ops, c, iova, true, true, 48, x);
}

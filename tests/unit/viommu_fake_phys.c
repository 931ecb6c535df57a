// SPDX-License-Identifier: MIT
/*
 * Fake physical unit for the viommu host tests (see viommu_fake_phys.h).
 * The IOTLB model is what makes "forgot the flush" bugs visible: unmapping
 * or changing a present entry leaves the old translation in p->stale until
 * a flush that covers it; tests assert that nothing is stale when a shadow
 * call returns.
 */
#include "tests/unit/harness.h"
#include "tests/unit/viommu_fake_phys.h"
#include <stdlib.h>
#include <string.h>
#include "lib/bitops.h"
#include "lib/errno.h"

#define EMPTY (~0ULL)

static u32 bucket(iova_t iova)
{
	return (u32)(((iova >> PAGE_SHIFT) * 0x9e3779b97f4a7c15ULL) >> 47) &
	       (FAKE_PHYS_BUCKETS - 1);
}

static struct fake_phys_ent *find(const struct fake_phys *p, iova_t iova)
{
	u32 i = bucket(iova);

	for (u32 n = 0; n < FAKE_PHYS_BUCKETS; n++, i = (i + 1) & (FAKE_PHYS_BUCKETS - 1)) {
		if (p->tab[i].iova == EMPTY)
			return NULL;
		if (p->tab[i].iova == iova)
			return &p->tab[i];
	}
	return NULL;
}

static void remember_stale(struct fake_phys *p, const struct fake_phys_ent *e)
{
	assert_true(p->nr_stale < FAKE_PHYS_STALE);
	p->stale[p->nr_stale++] = *e;
}

/* Backward-shift deletion keeps probe chains intact. */
static void erase(struct fake_phys *p, struct fake_phys_ent *e)
{
	u32 mask = FAKE_PHYS_BUCKETS - 1;
	u32 i = (u32)(e - p->tab), j = i;

	for (;;) {
		u32 k;

		p->tab[i].iova = EMPTY;
		for (;;) {
			j = (j + 1) & mask;
			if (p->tab[j].iova == EMPTY)
				goto out;
			k = bucket(p->tab[j].iova);
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			p->tab[i] = p->tab[j];
			i = j;
			break;
		}
	}
out:
	p->nr--;
}

static int fp_map(void *ctx, iova_t iova, hpa_t hpa, bool read, bool write)
{
	struct fake_phys *p = ctx;
	struct fake_phys_ent *e;
	u32 i;

	p->maps++;
	assert_true(IS_ALIGNED(iova, PAGE_SIZE) && IS_ALIGNED(hpa, PAGE_SIZE));
	assert_true(read || write);
	if (p->hpa_ok)
		assert_true(p->hpa_ok(p->hpa_ok_ctx, hpa));
	if (p->map_fail_after >= 0 && p->map_fail_after-- == 0) {
		p->map_fail_after = 0;
		return -ENOMEM;
	}
	e = find(p, iova);
	if (e) {
		if (e->hpa != hpa || e->r != read || e->w != write)
			remember_stale(p, e);
	} else {
		assert_true(p->nr < FAKE_PHYS_BUCKETS / 2);
		for (i = bucket(iova); p->tab[i].iova != EMPTY;
		     i = (i + 1) & (FAKE_PHYS_BUCKETS - 1))
			;
		e = &p->tab[i];
		p->nr++;
	}
	e->iova = iova;
	e->hpa = hpa;
	e->r = read;
	e->w = write;
	return 0;
}

static int fp_unmap(void *ctx, iova_t iova)
{
	struct fake_phys *p = ctx;
	struct fake_phys_ent *e;

	p->unmaps++;
	assert_true(IS_ALIGNED(iova, PAGE_SIZE));
	if (p->unmap_fail_after >= 0 && p->unmap_fail_after-- == 0) {
		p->unmap_fail_after = 0;
		return -EIO;
	}
	e = find(p, iova);
	if (e) {
		remember_stale(p, e);
		erase(p, e);
	}
	return 0;
}

static int fp_flush(void *ctx, iova_t iova, unsigned int order, bool all)
{
	struct fake_phys *p = ctx;
	u64 size = order >= 52 ? 0 : PAGE_SIZE << order;
	iova_t base = size ? iova & ~(size - 1) : 0;
	u32 keep = 0;

	p->flushes++;
	p->flushes_all += all;
	p->last_flush_iova = iova;
	p->last_flush_order = order;
	p->last_flush_all = all;
	for (u32 i = 0; i < p->nr_stale; i++) {
		iova_t s = p->stale[i].iova;

		if (all || !size || (s >= base && s - base < size))
			continue;
		p->stale[keep++] = p->stale[i];
	}
	p->nr_stale = keep;
	return 0;
}

static int fp_select(void *ctx, bool translated)
{
	struct fake_phys *p = ctx;

	p->selects++;
	p->translated = translated;
	p->nr_stale = 0; /* select flushes context and IOTLB */
	return 0;
}

void fake_phys_init(struct fake_phys *p)
{
	memset(p, 0, sizeof(*p));
	p->tab = malloc(sizeof(*p->tab) * FAKE_PHYS_BUCKETS);
	assert_non_null(p->tab);
	for (u32 i = 0; i < FAKE_PHYS_BUCKETS; i++)
		p->tab[i].iova = EMPTY;
	p->map_fail_after = -1;
	p->unmap_fail_after = -1;
	p->ops.map = fp_map;
	p->ops.unmap = fp_unmap;
	p->ops.flush = fp_flush;
	p->ops.select = fp_select;
	p->ops.ctx = p;
}

void fake_phys_free(struct fake_phys *p)
{
	free(p->tab);
	p->tab = NULL;
}

void fake_phys_reset_counts(struct fake_phys *p)
{
	p->maps = p->unmaps = p->flushes = p->flushes_all = p->selects = 0;
}

u64 fake_phys_calls(const struct fake_phys *p)
{
	return p->maps + p->unmaps + p->flushes + p->selects;
}

const struct fake_phys_ent *fake_phys_get(const struct fake_phys *p, iova_t iova)
{
	return find(p, iova & PAGE_MASK);
}

const struct fake_phys_ent *fake_phys_next(const struct fake_phys *p, u32 *pos)
{
	while (*pos < FAKE_PHYS_BUCKETS) {
		const struct fake_phys_ent *e = &p->tab[(*pos)++];

		if (e->iova != EMPTY)
			return e;
	}
	return NULL;
}

// SPDX-License-Identifier: MIT
/* MMIO region registry: a small fixed table, registered at boot. */
#include "vmm/mmio.h"
#include "lib/bitops.h"
#include "lib/errno.h"

struct mmio_region {
	gpa_t start;
	u64 size;
	mmio_handler_fn fn;
	void *arg;
	const char *name;
};

static struct mmio_region regions[MMIO_MAX_REGIONS];
static unsigned int nr_regions;

int mmio_region_register(gpa_t start, u64 size, mmio_handler_fn fn, void *arg, const char *name)
{
	if (!size || !fn || start + size - 1 < start) /* wraps past 2^64 */
		return -EINVAL;
	if (nr_regions == MMIO_MAX_REGIONS)
		return -E2BIG;
	for (unsigned int i = 0; i < nr_regions; i++)
		if (ranges_overlap(start, size, regions[i].start, regions[i].size))
			return -EEXIST;
	regions[nr_regions++] = (struct mmio_region){ start, size, fn, arg, name };
	return 0;
}

bool mmio_dispatch(struct mmio_access *a, enum mmio_result *res)
{
	for (unsigned int i = 0; i < nr_regions; i++) {
		if (range_within(a->gpa, a->size, regions[i].start, regions[i].size)) {
			*res = regions[i].fn(regions[i].arg, a);
			return true;
		}
	}
	return false;
}

unsigned int mmio_region_count(void)
{
	return nr_regions;
}

bool mmio_region_get(unsigned int i, gpa_t *start, u64 *size, const char **name)
{
	if (i >= nr_regions)
		return false;
	*start = regions[i].start;
	*size = regions[i].size;
	*name = regions[i].name;
	return true;
}

void mmio_reset_for_tests(void)
{
	nr_regions = 0;
}

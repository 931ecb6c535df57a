// SPDX-License-Identifier: MIT
/*
 * Physical range arithmetic over small caller-owned arrays (at most a few
 * hundred entries, so the quadratic algorithms here are fine and need no
 * scratch memory). Ends are never computed as base + len where that could
 * reach 2^64: comparisons use offsets from a range's base instead, and
 * every input range is first clamped so that base + len <= 2^64.
 */
#define LOG_PREFIX "memrange: "
#include "lib/memrange.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"

/* Length of [base, base+len) clamped so that it ends at 2^64 at most. */
static u64 clamp_len(u64 base, u64 len)
{
	return base && len > 0 - base ? 0 - base : len;
}

/* Drop empty ranges, keeping the order; returns the new count. */
static unsigned int compact(struct mem_range *map, unsigned int nr)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr; i++)
		if (map[i].len)
			map[n++] = map[i];
	return n;
}

void memrange_sort(struct mem_range *map, unsigned int nr)
{
	for (unsigned int i = 1; i < nr; i++) {
		struct mem_range key = map[i];
		unsigned int j = i;

		for (; j > 0 && map[j - 1].base > key.base; j--)
			map[j] = map[j - 1];
		map[j] = key;
	}
}

/*
 * The pieces of r left after removing the hole [hb, hb+hl) (clamped):
 * [r.base, r.base+*left) and [*right_base, +*right). Returns false when
 * the hole does not overlap r (pieces then undefined).
 */
static bool cut_pieces(const struct mem_range *r, u64 hb, u64 hl, u64 *left, u64 *right_base,
		       u64 *right)
{
	u64 len = clamp_len(r->base, r->len);
	u64 hole_end_off; /* hole end, as an offset from r->base (saturated) */

	hl = clamp_len(hb, hl);
	if (!ranges_overlap(r->base, len, hb, hl))
		return false;
	if (hb >= r->base) {
		*left = hb - r->base;
		hole_end_off = hl > ~0ULL - *left ? ~0ULL : *left + hl;
	} else {
		*left = 0;
		hole_end_off = hl - (r->base - hb); /* > 0: they overlap */
	}
	*right = len > hole_end_off ? len - hole_end_off : 0;
	*right_base = *right ? r->base + hole_end_off : 0;
	return true;
}

int memrange_subtract(struct mem_range *map, unsigned int *nr, unsigned int cap, u64 base, u64 len)
{
	unsigned int i, n = *nr, splits = 0;
	u64 left, right_base, right;

	for (i = 0; i < n; i++) {
		if (cut_pieces(&map[i], base, len, &left, &right_base, &right) && left && right)
			splits++;
	}
	if (splits > cap - MIN(cap, n))
		return -E2BIG;
	for (i = 0; i < *nr; i++) {
		if (!cut_pieces(&map[i], base, len, &left, &right_base, &right))
			continue;
		if (left && right)
			map[n++] = (struct mem_range){ right_base, right, map[i].type };
		if (left) {
			map[i].len = left;
		} else {
			map[i].base = right_base;
			map[i].len = right;
		}
	}
	*nr = compact(map, n);
	return 0;
}

/*
 * Strength of a type when ranges of different types overlap: the
 * stronger one keeps the overlap. Class in the high half, the type
 * number as a tie-break among unknown types.
 */
static u64 strength(u32 type)
{
	u64 cls;

	switch (type) {
	case MEMRANGE_AVAILABLE:
		cls = 0;
		break;
	case MEMRANGE_ACPI:
		cls = 1;
		break;
	case MEMRANGE_NVS:
		cls = 2;
		break;
	case MEMRANGE_RESERVED:
		cls = 3;
		break;
	case MEMRANGE_BAD:
		cls = 5;
		break;
	default:
		cls = 4;
		break;
	}
	return cls << 32 | type;
}

/* Sorted input: merge overlapping/adjacent same-type ranges; returns count. */
static unsigned int merge_same(struct mem_range *map, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++) {
		struct mem_range *a = &map[i];

		for (unsigned int j = i + 1; j < nr && a->len; j++) {
			struct mem_range *b = &map[j];
			u64 off = b->base - a->base; /* sorted: b->base >= a->base */
			u64 end_off;

			if (off > a->len)
				break;
			if (!b->len || b->type != a->type)
				continue;
			end_off = b->len > ~0ULL - off ? ~0ULL : off + b->len;
			a->len = MAX(a->len, end_off);
			b->len = 0;
		}
	}
	return compact(map, nr);
}

/*
 * Remove the hole from map[i]; a split appends the right piece, or, with
 * the array full, keeps only the larger piece.
 */
static void cut_one(struct mem_range *map, unsigned int *nr, unsigned int cap, unsigned int i,
		    u64 hb, u64 hl)
{
	u64 left, right_base, right;
	struct mem_range *r = &map[i];

	if (!cut_pieces(r, hb, hl, &left, &right_base, &right))
		return;
	if (left && right && *nr < cap) {
		map[(*nr)++] = (struct mem_range){ right_base, right, r->type };
	} else if (left && right) {
		pr_warn("map full (%u), dropping part of [0x%lx+0x%lx) type "
			"%u\n",
			cap, r->base, r->len, r->type);
		if (right > left) {
			r->base = right_base;
			r->len = right;
			return;
		}
	}
	if (left) {
		r->len = left;
	} else {
		r->base = right_base;
		r->len = right;
	}
}

/*
 * Weaker ranges lose the parts that stronger ones cover. Winners act in
 * ascending strength, so each acts with its full extent before anything
 * stronger cuts it: a piece dropped for lack of room then only ever
 * becomes a hole, never exposes the weaker type underneath.
 */
static void resolve_overlaps(struct mem_range *map, unsigned int *nr, unsigned int cap)
{
	u64 cur = 0;
	bool first = true;

	for (;;) {
		bool found = false;
		u64 next = ~0ULL;
		unsigned int w, l;

		for (w = 0; w < *nr; w++) {
			u64 s = strength(map[w].type);

			if ((first || s > cur) && s <= next) {
				next = s;
				found = true;
			}
		}
		if (!found)
			return;
		cur = next;
		first = false;
		for (w = 0; w < *nr; w++) {
			if (strength(map[w].type) != cur || !map[w].len)
				continue;
			for (l = 0; l < *nr; l++)
				if (strength(map[l].type) < cur)
					cut_one(map, nr, cap, l, map[w].base, map[w].len);
		}
	}
}

void memrange_normalise(struct mem_range *map, unsigned int *nr, unsigned int cap)
{
	unsigned int i, n = MIN(*nr, cap);

	for (i = 0; i < n; i++)
		map[i].len = clamp_len(map[i].base, map[i].len);
	n = compact(map, n);
	memrange_sort(map, n);
	n = merge_same(map, n);
	resolve_overlaps(map, &n, cap);
	n = compact(map, n);
	memrange_sort(map, n);
	*nr = merge_same(map, n);
}

/* A range of avoid[] or of another type in map overlapping the block, or NULL. */
static const struct mem_range *first_conflict(const struct mem_range *map, unsigned int nr,
					      u32 type, const struct mem_range *avoid,
					      unsigned int navoid, u64 base, u64 size)
{
	unsigned int i;

	for (i = 0; i < navoid; i++)
		if (ranges_overlap(base, size, avoid[i].base,
				   clamp_len(avoid[i].base, avoid[i].len)))
			return &avoid[i];
	for (i = 0; i < nr; i++)
		if (map[i].type != type &&
		    ranges_overlap(base, size, map[i].base, clamp_len(map[i].base, map[i].len)))
			return &map[i];
	return NULL;
}

int memrange_find_top(const struct mem_range *map, unsigned int nr, u32 type, u64 size, u64 align,
		      u64 limit, const struct mem_range *avoid, unsigned int navoid, u64 *out)
{
	bool found = false;
	u64 best = 0;

	if (!align)
		align = 1;
	if (!size || (align & (align - 1)))
		return -EINVAL;
	for (unsigned int i = 0; i < nr; i++) {
		const struct mem_range *r = &map[i];
		u64 len = clamp_len(r->base, r->len), top;

		if (r->type != type || !len || r->base >= limit)
			continue;
		top = len > limit - r->base ? limit : r->base + len;
		/*
		 * Slide down below each conflict: top strictly decreases and
		 * a conflict, once above top, never recurs, so this runs at
		 * most nr + navoid + 1 times.
		 */
		while (top - r->base >= size) {
			u64 cand = ALIGN_DOWN(top - size, align);
			const struct mem_range *c;

			if (cand < r->base || (found && cand <= best))
				break;
			c = first_conflict(map, nr, type, avoid, navoid, cand, size);
			if (!c) {
				best = cand;
				found = true;
				break;
			}
			if (c->base <= r->base)
				break;
			top = c->base;
		}
	}
	if (!found)
		return -ENOMEM;
	*out = best;
	return 0;
}

bool memrange_contains(const struct mem_range *map, unsigned int nr, u32 type, u64 base, u64 len)
{
	u64 cur = base, rem = len;

	if (!len || clamp_len(base, len) != len)
		return false;
	/* Each step leaves one range behind for good: at most nr steps. */
	for (unsigned int step = 0; step < nr; step++) {
		const struct mem_range *r = NULL;
		u64 avail;

		for (unsigned int i = 0; i < nr; i++) {
			if (map[i].type == type && cur >= map[i].base &&
			    cur - map[i].base < clamp_len(map[i].base, map[i].len)) {
				r = &map[i];
				break;
			}
		}
		if (!r)
			return false;
		avail = clamp_len(r->base, r->len) - (cur - r->base);
		if (avail >= rem)
			return true;
		cur += avail;
		rem -= avail;
	}
	return false;
}

u64 memrange_total(const struct mem_range *map, unsigned int nr, u32 type)
{
	u64 sum = 0;

	for (unsigned int i = 0; i < nr; i++) {
		u64 len = clamp_len(map[i].base, map[i].len);

		if (map[i].type == type)
			sum = len > ~0ULL - sum ? ~0ULL : sum + len;
	}
	return sum;
}

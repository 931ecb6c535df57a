/* SPDX-License-Identifier: MIT */
/*
 * Guest-physical page tables for both backends: Intel EPT (SDM Vol. 3C
 * 29.3.2) and AMD nested paging (APM Vol. 2 15.25, ordinary long-mode
 * entries; nested walks are user accesses, so U/S is set everywhere).
 * One 4-level builder, two entry encodings. Maps with the largest pages
 * that fit and splits superpages when a hole is punched. Pure: page-table
 * memory comes from the caller's allocator, so it runs in host tests.
 */
#ifndef VMM_NPT_H
#define VMM_NPT_H

#include "lib/types.h"

enum npt_kind { NPT_EPT, NPT_AMD };
enum npt_memtype { NPT_MT_UC = 0, NPT_MT_WB = 6 };

#define NPT_R 1u
#define NPT_W 2u
#define NPT_X 4u
#define NPT_RWX (NPT_R | NPT_W | NPT_X)

struct npt_mem_ops {
	/** A zeroed 4 KiB page for a table; returns its address, *pa set; NULL if none. */
	void *(*alloc_page)(void *ctx, hpa_t *pa);
	void (*free_page)(void *ctx, void *page, hpa_t pa);
	/** Where the table at pa can be read and written. */
	void *(*table_ptr)(void *ctx, hpa_t pa);
	void *ctx;
};

struct npt {
	enum npt_kind kind;
	hpa_t root_pa;
	u64 *root;
	bool use_2m, use_1g;
	const struct npt_mem_ops *mem;
	u64 nr_tables; /* table pages in use (root included) */
	u64 nr_splits; /* superpages split to punch holes */
};

int __must_check npt_init(struct npt *t, enum npt_kind kind, bool use_2m, bool use_1g,
			  const struct npt_mem_ops *mem);
/** Map [gpa, gpa+len) to [hpa, ...), 4 KiB aligned. 0, -EINVAL, -ENOMEM. */
int __must_check npt_map(struct npt *t, gpa_t gpa, hpa_t hpa, u64 len, enum npt_memtype mt,
			 unsigned int perms);
/** Remove [gpa, gpa+len), splitting superpages at the edges. 0, -EINVAL, -ENOMEM. */
int __must_check npt_unmap(struct npt *t, gpa_t gpa, u64 len);
/** Translate; false if not mapped. */
bool npt_lookup(const struct npt *t, gpa_t gpa, hpa_t *hpa, u64 *page_size, unsigned int *perms,
		enum npt_memtype *mt);
/** Free every table page (root included). */
void npt_destroy(struct npt *t);

#endif /* VMM_NPT_H */

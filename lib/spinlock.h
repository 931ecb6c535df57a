/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlock and the memory-ordering helpers used across CPUs.
 * Acquire on lock, release on unlock: everything written inside the
 * critical section is visible to the next owner. Every wait loop PAUSEs
 * (required for cross-CPU polling under QEMU TCG, and polite on hardware).
 */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include "lib/types.h"

static inline void cpu_relax(void)
{
	__builtin_ia32_pause();
}

/* Compiler barrier only: stops the compiler from caching or reordering. */
#define barrier() __asm__ __volatile__("" ::: "memory")

#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define LOAD_ACQUIRE(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE_RELEASE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

struct spinlock {
	u32 next;  /* ticket handed to the next arriving CPU */
	u32 owner; /* ticket currently allowed in */
};

#define SPINLOCK_INIT \
	{             \
		0, 0  \
	}

static inline void spin_lock(struct spinlock *l)
{
	u32 me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		cpu_relax();
}

static inline bool spin_trylock(struct spinlock *l)
{
	u32 owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	u32 expect = owner;

	return __atomic_compare_exchange_n(&l->next, &expect, owner + 1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

#endif /* LIB_SPINLOCK_H */

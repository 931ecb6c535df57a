/* SPDX-License-Identifier: MIT */
/*
 * VMX instruction wrappers and width-checked VMCS accessors (the Linux
 * vmx_ops.h idea): the field encoding's width bits (14:13) are checked at
 * compile time against the accessor, and every VMfail is reported with the
 * field's name and the decoded VM-instruction error, then panics.
 */
#ifndef VMM_VMX_OPS_H
#define VMM_VMX_OPS_H

#include "lib/types.h"

enum vmcs_field {
#define VMCS_FIELD(name, enc) VMCS_##name = enc, // NOLINT(bugprone-macro-parentheses): X-macro
#include "vmm/vmcs_fields.def"
#undef VMCS_FIELD
};

#define VMCS_WIDTH(f) (((unsigned int)(f) >> 13) & 3)
#define VMCS_WIDTH_16 0
#define VMCS_WIDTH_64 1
#define VMCS_WIDTH_32 2
#define VMCS_WIDTH_NAT 3

/* Out of line: report and panic. */
void __noreturn vmcs_access_failed(const char *op, unsigned long field, const char *name);
const char *vmx_insn_error_name(u32 err);

static inline bool vmx_vmwrite_raw(unsigned long field, u64 val)
{
	u8 fail;

	__asm__ __volatile__("vmwrite %2, %1; setna %0"
			     : "=q"(fail)
			     : "r"((u64)field), "rm"(val)
			     : "cc", "memory");
	return !fail;
}

static inline bool vmx_vmread_raw(unsigned long field, u64 *val)
{
	u8 fail;

	__asm__ __volatile__("vmread %2, %1; setna %0"
			     : "=q"(fail), "=rm"(*val)
			     : "r"((u64)field)
			     : "cc", "memory");
	return !fail;
}

static inline void __vmcs_write(unsigned long f, u64 v, const char *name)
{
	if (unlikely(!vmx_vmwrite_raw(f, v)))
		vmcs_access_failed("vmwrite", f, name);
}

static inline u64 __vmcs_read(unsigned long f, const char *name)
{
	u64 v;

	if (unlikely(!vmx_vmread_raw(f, &v)))
		vmcs_access_failed("vmread", f, name);
	return v;
}

#define VMCS_CHECKED(f, w, expr)                                                   \
	({                                                                         \
		_Static_assert(VMCS_WIDTH(VMCS_##f) == (w),                        \
			       "VMCS field " #f " accessed with the wrong width"); \
		expr;                                                              \
	})

#define vmcs_write16(f, v) VMCS_CHECKED(f, VMCS_WIDTH_16, __vmcs_write(VMCS_##f, (u16)(v), #f))
#define vmcs_write32(f, v) VMCS_CHECKED(f, VMCS_WIDTH_32, __vmcs_write(VMCS_##f, (u32)(v), #f))
#define vmcs_write64(f, v) VMCS_CHECKED(f, VMCS_WIDTH_64, __vmcs_write(VMCS_##f, (u64)(v), #f))
#define vmcs_writel(f, v) VMCS_CHECKED(f, VMCS_WIDTH_NAT, __vmcs_write(VMCS_##f, (u64)(v), #f))
#define vmcs_read16(f) VMCS_CHECKED(f, VMCS_WIDTH_16, (u16)__vmcs_read(VMCS_##f, #f))
#define vmcs_read32(f) VMCS_CHECKED(f, VMCS_WIDTH_32, (u32)__vmcs_read(VMCS_##f, #f))
#define vmcs_read64(f) VMCS_CHECKED(f, VMCS_WIDTH_64, __vmcs_read(VMCS_##f, #f))
#define vmcs_readl(f) VMCS_CHECKED(f, VMCS_WIDTH_NAT, __vmcs_read(VMCS_##f, #f))

/* VMXON/VMCLEAR/VMPTRLD take the physical address in memory. */
static inline bool vmx_vmxon(hpa_t pa)
{
	u8 fail;

	__asm__ __volatile__("vmxon %1; setna %0" : "=q"(fail) : "m"(pa) : "cc", "memory");
	return !fail;
}

static inline bool vmx_vmclear(hpa_t pa)
{
	u8 fail;

	__asm__ __volatile__("vmclear %1; setna %0" : "=q"(fail) : "m"(pa) : "cc", "memory");
	return !fail;
}

static inline bool vmx_vmptrld(hpa_t pa)
{
	u8 fail;

	__asm__ __volatile__("vmptrld %1; setna %0" : "=q"(fail) : "m"(pa) : "cc", "memory");
	return !fail;
}

/* INVEPT type 1 (single context) / 2 (all), SDM Vol. 3C 30.3 */
static inline bool vmx_invept(unsigned long type, u64 eptp)
{
	struct {
		u64 eptp, rsvd;
	} desc = { eptp, 0 };
	u8 fail;

	__asm__ __volatile__("invept %1, %2; setna %0"
			     : "=q"(fail)
			     : "m"(desc), "r"(type)
			     : "cc", "memory");
	return !fail;
}

#endif /* VMM_VMX_OPS_H */

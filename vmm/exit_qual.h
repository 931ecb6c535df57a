/* SPDX-License-Identifier: MIT */
/*
 * Exit-information decoders (ACRN style: inline, pure, host-tested).
 * VMX: SDM Vol. 3C 28.2.1 (exit qualification), 25.9.2 (interruption info).
 * SVM: AMD APM Vol. 2 15.10.2 (IOIO EXITINFO1), 15.25.6 (#NPF error code).
 */
#ifndef VMM_EXIT_QUAL_H
#define VMM_EXIT_QUAL_H
/* clang-format off: register tables keep their field indentation */

#include "lib/bitops.h"

/* VMX control-register access (Table 28-3) */
#define VMX_QUAL_CR_NUM GENMASK(3, 0)
#define VMX_QUAL_CR_TYPE GENMASK(5, 4) /* 0 to, 1 from, 2 CLTS, 3 LMSW */
#define VMX_QUAL_CR_LMSW_MEM BIT(6)
#define VMX_QUAL_CR_GPR GENMASK(11, 8)
#define VMX_QUAL_CR_LMSW_SRC GENMASK(31, 16)

/* VMX I/O instruction (Table 28-5) */
#define VMX_QUAL_IO_SIZE GENMASK(2, 0) /* size - 1 */
#define VMX_QUAL_IO_IN BIT(3)
#define VMX_QUAL_IO_STRING BIT(4)
#define VMX_QUAL_IO_REP BIT(5)
#define VMX_QUAL_IO_IMM BIT(6)
#define VMX_QUAL_IO_PORT GENMASK(31, 16)

/* VMX EPT violation (Table 28-7) */
#define VMX_QUAL_EPT_READ BIT(0)
#define VMX_QUAL_EPT_WRITE BIT(1)
#define VMX_QUAL_EPT_FETCH BIT(2)
#define VMX_QUAL_EPT_PERMS GENMASK(5, 3) /* R/W/X of the translation */
#define VMX_QUAL_EPT_GLA_VALID BIT(7)

/* VMX interruption information (Table 25-17) */
#define VMX_INTR_INFO_VECTOR GENMASK(7, 0)
#define VMX_INTR_INFO_TYPE GENMASK(10, 8)
#define VMX_INTR_TYPE_EXT_INTR 0
#define VMX_INTR_TYPE_NMI 2
#define VMX_INTR_TYPE_HW_EXCEPTION 3
#define VMX_INTR_INFO_ERROR_VALID BIT(11)
#define VMX_INTR_INFO_VALID BIT(31)

/* SVM IOIO EXITINFO1 (APM Figure 15-2) */
#define SVM_IOIO_IN BIT(0)
#define SVM_IOIO_STRING BIT(2)
#define SVM_IOIO_REP BIT(3)
#define SVM_IOIO_SZ8 BIT(4)
#define SVM_IOIO_SZ16 BIT(5)
#define SVM_IOIO_SZ32 BIT(6)
#define SVM_IOIO_PORT GENMASK(31, 16)

/* SVM #NPF EXITINFO1 (page-fault error code + 15.25.6) */
#define SVM_NPF_PRESENT BIT(0)
#define SVM_NPF_WRITE BIT(1)
#define SVM_NPF_USER BIT(2)
#define SVM_NPF_RSVD BIT(3)
#define SVM_NPF_FETCH BIT(4)
#define SVM_NPF_FINAL_ADDR BIT(32)
#define SVM_NPF_IN_WALK BIT(33)

struct qual_io {
	u16 port;
	u8 size;
	bool in, string, rep;
};

static inline struct qual_io vmx_qual_io(u64 q)
{
	return (struct qual_io){
		.port = (u16)FIELD_GET(VMX_QUAL_IO_PORT, q),
		.size = (u8)(FIELD_GET(VMX_QUAL_IO_SIZE, q) + 1),
		.in = q & VMX_QUAL_IO_IN,
		.string = q & VMX_QUAL_IO_STRING,
		.rep = q & VMX_QUAL_IO_REP,
	};
}

static inline struct qual_io svm_qual_io(u64 info1)
{
	return (struct qual_io){
		.port = (u16)FIELD_GET(SVM_IOIO_PORT, info1),
		.size = info1 & SVM_IOIO_SZ32	? 4
			: info1 & SVM_IOIO_SZ16 ? 2
						: 1,
		.in = info1 & SVM_IOIO_IN,
		.string = info1 & SVM_IOIO_STRING,
		.rep = info1 & SVM_IOIO_REP,
	};
}

struct qual_cr {
	u8 cr, type, gpr;
	u16 lmsw_src;
};

static inline struct qual_cr vmx_qual_cr(u64 q)
{
	return (struct qual_cr){
		.cr = (u8)FIELD_GET(VMX_QUAL_CR_NUM, q),
		.type = (u8)FIELD_GET(VMX_QUAL_CR_TYPE, q),
		.gpr = (u8)FIELD_GET(VMX_QUAL_CR_GPR, q),
		.lmsw_src = (u16)FIELD_GET(VMX_QUAL_CR_LMSW_SRC, q),
	};
}

/* clang-format on */
#endif /* VMM_EXIT_QUAL_H */

; SPDX-License-Identifier: MIT
; The assembled AP trampoline, embedded for smp.c to copy below 1 MiB.
section .ap_trampoline progbits alloc noexec nowrite align=16
	incbin "ap_trampoline.bin"

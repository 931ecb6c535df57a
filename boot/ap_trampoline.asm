; SPDX-License-Identifier: MIT
;
; AP start-up trampoline, assembled as a flat binary (nasm -f bin) and copied
; by smp.c to AP_TRAMPOLINE_PA (page-aligned, below 64 KiB). The SIPI vector
; is AP_TRAMPOLINE_PA >> 12, so the AP starts here in real mode with
; CS = AP_TRAMPOLINE_PA >> 4, IP = 0.
; Contract: struct ap_boot_params at AP_PARAMS_PA holds CR3 (below 4 GiB),
; the stack top, the struct cpu pointer and the 64-bit C entry; the AP
; reaches long mode on the BSP's page tables and calls entry(cpu) on that
; stack. Offsets come from asm_offsets.inc.

%include "asm_offsets.inc"

CR0_PE   equ 1 << 0
CR0_WP   equ 1 << 16
CR0_PG   equ 1 << 31
CR4_PAE  equ 1 << 5
MSR_EFER equ 0xc0000080
EFER_LME equ 1 << 8

	org AP_TRAMPOLINE_PA

bits 16
ap_start16:
	cli
	cld
	xor ax, ax
	mov ds, ax
	lgdt [ap_gdt_ptr]
	mov eax, cr0
	or eax, CR0_PE
	mov cr0, eax
	jmp dword 0x08:ap_start32

bits 32
ap_start32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, [AP_PARAMS_PA + APB_CR3]
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_WP
	mov cr0, eax
	jmp 0x18:ap_start64

bits 64
ap_start64:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov rsp, [AP_PARAMS_PA + APB_STACK_TOP]
	mov rdi, [AP_PARAMS_PA + APB_CPU]
	mov rax, [AP_PARAMS_PA + APB_ENTRY]
	xor ebp, ebp
	call rax
.hang:
	cli
	hlt
	jmp .hang

align 8
ap_gdt:
	dq 0
	dq 0x00cf9a000000ffff           ; 0x08: 32-bit code
	dq 0x00cf92000000ffff           ; 0x10: data
	dq 0x00af9a000000ffff           ; 0x18: 64-bit code
ap_gdt_end:
ap_gdt_ptr:
	dw ap_gdt_end - ap_gdt - 1
	dd ap_gdt

%if ($ - $$) > AP_PARAMS_OFFSET
%error "AP trampoline overlaps its parameter block"
%endif

; SPDX-License-Identifier: MIT
;
; Multiboot2 header and the 32-bit entry point.
; Contract (Multiboot2 spec 3.3): protected mode, paging off, EAX = magic,
; EBX = physical address of the boot information. We identity-map the low
; 4 GiB with 2 MiB pages, switch to long mode and call
;     boot_main(u32 magic, u64 mbi_pa)      (SysV: EDI, RSI)
; on the BSP boot stack. Nothing here knows a C struct layout.

%include "asm_offsets.inc"

MB2_MAGIC        equ 0xe85250d6
MB2_ARCH_I386    equ 0
PTE_P            equ 1 << 0
PTE_RW           equ 1 << 1
PTE_PS           equ 1 << 7
CR0_PE           equ 1 << 0
CR0_WP           equ 1 << 16
CR0_PG           equ 1 << 31
CR4_PAE          equ 1 << 5
MSR_EFER         equ 0xc0000080
EFER_LME         equ 1 << 8
EFER_NXE         equ 1 << 11
COM1             equ 0x3f8

section .multiboot2 align=8
mb2_header:
	dd MB2_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	; information request: cmdline, modules, memory map, ACPI RSDPs
	align 8
.info_req:
	dw 1, 0
	dd .info_req_end - .info_req
	dd 1, 3, 6, 14, 15
.info_req_end:
	; page-align modules (bzImage and initrd get copied/used in place)
	align 8
	dw 6, 0
	dd 8
	align 8
	dw 0, 0
	dd 8
mb2_header_end:

section .text.boot32 exec
bits 32
global boot_entry32
boot_entry32:
	cli
	cld
	mov esp, boot_stack_top
	mov edi, eax                    ; magic (kept through the switch)
	mov esi, ebx                    ; boot information

	; Long mode present? CPUID.80000001h:EDX[29]
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no_long_mode

	; PML4[0] -> PDPT, PDPT[0..3] -> PD0..PD3, each PD 512 x 2 MiB.
	mov eax, boot_pdpt
	or eax, PTE_P | PTE_RW
	mov [boot_pml4], eax
	mov ecx, 0
.fill_pdpt:
	mov eax, ecx
	shl eax, 12
	add eax, boot_pd
	or eax, PTE_P | PTE_RW
	mov [boot_pdpt + ecx * 8], eax
	inc ecx
	cmp ecx, 4
	jb .fill_pdpt
	mov ecx, 0
.fill_pd:
	mov eax, ecx
	shl eax, 21                     ; low 32 bits of ecx * 2 MiB
	or eax, PTE_P | PTE_RW | PTE_PS
	mov [boot_pd + ecx * 8], eax
	mov eax, ecx
	shr eax, 11                     ; high bits of ecx * 2 MiB
	mov [boot_pd + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, 2048
	jb .fill_pd

	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, boot_pml4
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_PE | CR0_WP
	mov cr0, eax
	lgdt [boot_gdt_ptr]
	jmp BOOT_GDT_CODE64:long_mode_entry

.no_long_mode:
	mov esi, no_lm_msg
.putc:
	lodsb
	test al, al
	jz .halt
	mov dx, COM1
	out dx, al
	jmp .putc
.halt:
	hlt
	jmp .halt

bits 64
default rel
extern boot_main
long_mode_entry:
	mov ax, BOOT_GDT_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov rsp, boot_stack_top
	xor ebp, ebp                    ; terminates frame-pointer backtraces
	mov edi, edi                    ; magic (zero-extended)
	mov esi, esi                    ; mbi physical address
	call boot_main
.hang:
	cli
	hlt
	jmp .hang

section .rodata
no_lm_msg: db "FATAL: CPU has no long mode", 13, 10, 0

align 16
global boot_gdt
boot_gdt:
	dq 0                            ; null
	dq 0x00af9a000000ffff           ; 0x08: 64-bit code, DPL0
	dq 0x00cf92000000ffff           ; 0x10: data, DPL0
boot_gdt_end:
boot_gdt_ptr:
	dw boot_gdt_end - boot_gdt - 1
	dq boot_gdt

%if BOOT_GDT_CODE64 != 0x08 || BOOT_GDT_DATA != 0x10
%error "boot GDT selectors disagree with boot/gdt.h"
%endif

section .bss.pagetables nobits alloc write align=4096
global boot_pml4
boot_pml4:  resb 4096
boot_pdpt:  resb 4096
boot_pd:    resb 4096 * 4

section .bss nobits alloc write align=16
boot_stack: resb BOOT_STACK_SIZE
global boot_stack_top
boot_stack_top:

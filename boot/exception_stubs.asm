; SPDX-License-Identifier: MIT
;
; IDT entry stubs for all 256 vectors, generated with %rep.
; Contract: each stub leaves [vector, error code] on the stack (a 0 error code
; is pushed for vectors where the CPU pushes none), then exc_common pushes
; the 15 GPRs, so RSP points at a struct exc_frame (boot/exception.h), and
; calls exception_dispatch(frame). On return everything is restored and the
; interrupted context resumes with IRETQ. The frame size is checked against
; the C struct through asm_offsets.inc.
;
; Also rdmsr_safe(msr, *val): a RDMSR whose #GP is turned into "return false"
; by exception_dispatch (it recognises rdmsr_safe_insn and resumes at the fixup).

%include "asm_offsets.inc"

bits 64
default rel
section .text

%if EXC_FRAME_SIZE != (15 + 2 + 5) * 8
%error "struct exc_frame does not match the pushes below"
%endif

extern exception_dispatch

%macro EXC_STUB 1
	align 16
exc_stub_%1:
%if %1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30
	; the CPU pushed an error code
%else
	push qword 0
%endif
	push qword %1
	jmp exc_common
%endmacro

%assign vec 0
%rep 256
	EXC_STUB vec
%assign vec vec + 1
%endrep

exc_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	cld
	mov rdi, rsp
	call exception_dispatch
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16                     ; vector and error code
	iretq

; bool rdmsr_safe(u32 msr, u64 *val)
global rdmsr_safe, rdmsr_safe_insn, rdmsr_safe_fixup
rdmsr_safe:
	mov ecx, edi
rdmsr_safe_insn:
	rdmsr
	shl rdx, 32
	or rax, rdx
	mov [rsi], rax
	mov eax, 1
	ret
rdmsr_safe_fixup:
	xor eax, eax
	ret

section .rodata
align 8
global exc_stub_table
exc_stub_table:
%assign vec 0
%rep 256
	dq exc_stub_ %+ vec
%assign vec vec + 1
%endrep

; SPDX-License-Identifier: MIT
;
; svm_run_loop(struct vcpu *v, hpa_t vmcb_pa, hpa_t host_save_pa): never
; returns. Each iteration: CLGI, load the guest GPRs (RAX and RSP live in the
; VMCB), VMLOAD the guest's extra state, VMRUN; after #VMEXIT: VMSAVE the
; guest's extra state, save its GPRs into v->gprs, VMLOAD the host's (GS
; base = per-CPU block, TR, ...), STGI (NMIs may arrive), call
; svm_exit_handler(v). APM Vol. 2 15.5. Offsets from asm_offsets.inc.
; Stack while looping: [rsp] host_save_pa, [rsp+8] vmcb_pa, [rsp+16] v.

%include "asm_offsets.inc"

bits 64
default rel
section .text

extern svm_exit_handler

global svm_run_loop
svm_run_loop:
	push rdi
	push rsi
	push rdx
	mov rax, rdx
	vmsave                          ; host FS/GS/TR/... for the VMLOAD below
.loop:
	clgi
	mov rax, [rsp + 16]
	mov rcx, [rax + VCPU_GPR_RCX]
	mov rdx, [rax + VCPU_GPR_RDX]
	mov rbx, [rax + VCPU_GPR_RBX]
	mov rbp, [rax + VCPU_GPR_RBP]
	mov rsi, [rax + VCPU_GPR_RSI]
	mov rdi, [rax + VCPU_GPR_RDI]
	mov r8,  [rax + VCPU_GPR_R8]
	mov r9,  [rax + VCPU_GPR_R9]
	mov r10, [rax + VCPU_GPR_R10]
	mov r11, [rax + VCPU_GPR_R11]
	mov r12, [rax + VCPU_GPR_R12]
	mov r13, [rax + VCPU_GPR_R13]
	mov r14, [rax + VCPU_GPR_R14]
	mov r15, [rax + VCPU_GPR_R15]
	mov rax, [rsp + 8]
	vmload
	vmrun
	vmsave                          ; rax = vmcb_pa again (host RAX)
	push rcx
	mov rcx, [rsp + 24]             ; v
	mov [rcx + VCPU_GPR_RDX], rdx
	mov [rcx + VCPU_GPR_RBX], rbx
	mov [rcx + VCPU_GPR_RBP], rbp
	mov [rcx + VCPU_GPR_RSI], rsi
	mov [rcx + VCPU_GPR_RDI], rdi
	mov [rcx + VCPU_GPR_R8], r8
	mov [rcx + VCPU_GPR_R9], r9
	mov [rcx + VCPU_GPR_R10], r10
	mov [rcx + VCPU_GPR_R11], r11
	mov [rcx + VCPU_GPR_R12], r12
	mov [rcx + VCPU_GPR_R13], r13
	mov [rcx + VCPU_GPR_R14], r14
	mov [rcx + VCPU_GPR_R15], r15
	pop rdx
	mov [rcx + VCPU_GPR_RCX], rdx
	mov rax, [rsp]
	vmload
	stgi
	mov rdi, [rsp + 16]
	xor ebp, ebp
	call svm_exit_handler
	jmp .loop

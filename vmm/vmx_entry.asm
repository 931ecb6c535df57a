; SPDX-License-Identifier: MIT
;
; VMX entry and exit path.
; vmx_launch_guest(struct vcpu *v): loads the guest GPRs from v->gprs and
;   executes VMLAUNCH; on VMfail calls vmx_resume_failed(v) (no return).
; vmx_exit_stub (HOST_RIP): entered on every VM exit with RSP = HOST_RSP,
;   where [RSP] holds the struct vcpu pointer. Saves the guest GPRs (all but
;   RSP, which lives in the VMCS) into v->gprs, calls vmx_exit_handler(v),
;   restores them and executes VMRESUME. Offsets from asm_offsets.inc.

%include "asm_offsets.inc"

bits 64
default rel
section .text

extern vmx_exit_handler
extern vmx_resume_failed

%macro LOAD_GUEST_GPRS 0                ; rax = struct vcpu *
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
	mov rax, [rax + VCPU_GPR_RAX]
%endmacro

global vmx_launch_guest
vmx_launch_guest:
	push rdi                        ; keep v for the failure path
	mov rax, rdi
	LOAD_GUEST_GPRS
	vmlaunch
	; VMfail: still on the caller's stack
	pop rdi
	and rsp, -16
	call vmx_resume_failed
	jmp vmx_entry_failed.hang

global vmx_exit_stub
vmx_exit_stub:
	push rax                        ; guest rax; [rsp + 8] = struct vcpu *
	mov rax, [rsp + 8]
	mov [rax + VCPU_GPR_RCX], rcx
	mov [rax + VCPU_GPR_RDX], rdx
	mov [rax + VCPU_GPR_RBX], rbx
	mov [rax + VCPU_GPR_RBP], rbp
	mov [rax + VCPU_GPR_RSI], rsi
	mov [rax + VCPU_GPR_RDI], rdi
	mov [rax + VCPU_GPR_R8], r8
	mov [rax + VCPU_GPR_R9], r9
	mov [rax + VCPU_GPR_R10], r10
	mov [rax + VCPU_GPR_R11], r11
	mov [rax + VCPU_GPR_R12], r12
	mov [rax + VCPU_GPR_R13], r13
	mov [rax + VCPU_GPR_R14], r14
	mov [rax + VCPU_GPR_R15], r15
	pop rcx
	mov [rax + VCPU_GPR_RAX], rcx
	mov rdi, rax
	xor ebp, ebp                    ; backtraces stop here
	call vmx_exit_handler           ; returns the struct vcpu * in rax
	LOAD_GUEST_GPRS
	vmresume
vmx_entry_failed:
	mov rdi, [rsp]                  ; the struct vcpu * at HOST_RSP
	and rsp, -16
	call vmx_resume_failed
.hang:
	cli
	hlt
	jmp .hang

; SPDX-License-Identifier: MIT
; Capture payload for tests/data/mbi (see capture.sh): a 32-bit multiboot2
; kernel that prints the boot information structure GRUB hands it as hex on
; COM1, then leaves QEMU through isa-debug-exit (port 0xf4).
; Register contract at entry (multiboot2 spec 3.3): EAX = magic, EBX = MBI
; physical address, protected mode, paging off. No stack use except calls.
; Output:  MBI-MAGIC xxxxxxxx / MBI-ADDR xxxxxxxx / MBI-BEGIN /
;          32 bytes per line as hex / MBI-END
	bits 32

	section .multiboot2 align=8
mb2_header:
	dd 0xe85250d6                    ; magic (3.1.1)
	dd 0                             ; architecture: i386
	dd mb2_header_end - mb2_header
	dd -(0xe85250d6 + (mb2_header_end - mb2_header))
	dw 0, 0                          ; end tag
	dd 8
mb2_header_end:

	section .bss
	alignb 16
	resb 4096
stack_top:

	section .text
	global _start
_start:
	cli
	mov esp, stack_top
	mov edi, eax                     ; magic
	mov esi, ebx                     ; MBI
	mov ebx, s_magic
	call puts
	mov eax, edi
	call puthex32
	call newline
	mov ebx, s_addr
	call puts
	mov eax, esi
	call puthex32
	call newline
	mov ebx, s_begin
	call puts
	mov ecx, [esi]                   ; total_size
	cmp ecx, 0x100000
	jbe .size_ok
	mov ecx, 0x100000
.size_ok:
	xor edx, edx                     ; bytes on this line
.byte:
	test ecx, ecx
	jz .done
	mov al, [esi]
	call puthex8
	inc esi
	dec ecx
	inc edx
	cmp edx, 32
	jne .byte
	call newline
	xor edx, edx
	jmp .byte
.done:
	test edx, edx
	jz .end
	call newline
.end:
	mov ebx, s_end
	call puts
	mov dx, 0xf4
	mov al, 0                        ; QEMU exits with status 1
	out dx, al
.halt:
	hlt
	jmp .halt

; putc(al): wait for THR empty (LSR bit 5), then write
putc:
	push edx
	push eax
	mov dx, 0x3fd
.wait:
	in al, dx
	test al, 0x20
	jz .wait
	pop eax
	mov dx, 0x3f8
	out dx, al
	pop edx
	ret

newline:
	push eax
	mov al, 10
	call putc
	pop eax
	ret

; puts(ebx): NUL-terminated
puts:
	push eax
.next:
	mov al, [ebx]
	test al, al
	jz .out
	call putc
	inc ebx
	jmp .next
.out:
	pop eax
	ret

; puthex8(al)
puthex8:
	push eax
	push eax
	shr al, 4
	call nibble
	pop eax
	call nibble
	pop eax
	ret

nibble:
	and al, 0xf
	add al, '0'
	cmp al, '9'
	jbe .digit
	add al, 'a' - '9' - 1
.digit:
	jmp putc

; puthex32(eax)
puthex32:
	push ecx
	mov ecx, 4
.loop:
	rol eax, 8
	call puthex8
	dec ecx
	jnz .loop
	pop ecx
	ret

	section .rodata
s_magic: db "MBI-MAGIC ", 0
s_addr:  db "MBI-ADDR ", 0
s_begin: db "MBI-BEGIN", 10, 0
s_end:   db "MBI-END", 10, 0

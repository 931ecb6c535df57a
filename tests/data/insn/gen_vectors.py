#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
Regenerate vectors.txt: x86 instruction test vectors for
tests/unit/test_insn_decode.c. The bytes come from GNU as (assembled in
.code64/.code32/.code16), the expectations are written here by hand from the
SDM (Vol. 2A chapter 2, the MOV/MOVZX/MOVSX pages). Usage:
    tests/data/insn/gen_vectors.py > tests/data/insn/vectors.txt
"""
import os
import subprocess
import sys
import tempfile

VEC = []  # (mode, asm, kind, expectation fields)


def mmio_w(mode, a, size, reg, high=0):
    VEC.append((mode, a, "mmio", f"W {size} {reg} {high}"))


def mmio_i(mode, a, size, imm):
    VEC.append((mode, a, "mmio", f"I {size} 0x{imm:x}"))


def mmio_r(mode, a, size, reg, high=0, ext="NONE", dst=None):
    dst = dst or size
    zu = int(mode == 64 and dst == 4)  # SDM Vol. 1 3.4.1.1
    VEC.append((mode, a, "mmio", f"R {size} {reg} {high} {ext} {dst} {zu}"))


def notsup(mode, a, name, write, size, rep=0, lock=0):
    VEC.append((mode, a, "notsup", f"{name} {write} {size} {rep} {lock}"))


def length(mode, a):
    VEC.append((mode, a, "len", "-"))


# ---- MOV forms, 64-bit mode -------------------------------------------------
W, I, R = mmio_w, mmio_i, mmio_r
W(64, "mov %eax,(%rdi)", 4, 0)                # writel
W(64, "mov %rsi,(%rdi)", 8, 6)                # writeq
W(64, "mov %r9,(%rax,%rcx,8)", 8, 9)
W(64, "movb %ah,(%rcx)", 1, 0, 1)
W(64, "movb %bh,0x7f(%rdx)", 1, 3, 1)
W(64, "movb %sil,(%rdi)", 1, 6)
W(64, "movb %al,(%rdi)", 1, 0)
W(64, "movb %r15b,(%r8)", 1, 15)
W(64, "mov %ax,(%rdi)", 2, 0)
W(64, "mov %r10w,0x12345678(%r11)", 2, 10)
W(64, "mov %ecx,-8(%rbp)", 4, 1)
W(64, "mov %edx,0x100(%rsp)", 4, 2)
W(64, "mov %esi,(%r12)", 4, 6)
W(64, "mov %edi,(%r13)", 4, 7)
W(64, "mov %eax,0x1000(,%rbx,4)", 4, 0)
W(64, "mov %ebx,0x12345678", 4, 3)
W(64, "mov %eax,0x1000(%rip)", 4, 0)
W(64, "mov %eax,%fs:(%rdi)", 4, 0)
W(64, "mov %eax,%gs:0x10(%rbx,%rsi,2)", 4, 0)
W(64, "mov %eax,(%edi)", 4, 0)
W(64, "mov %r8d,0x10(%eax,%r9d,2)", 4, 8)
W(64, "mov %r12,0x100(%r13,%r14,8)", 8, 12)
W(64, "movabs %eax,0x1122334455667788", 4, 0)
W(64, "movabs %al,0x1122334455667788", 1, 0)
W(64, "movabs %rax,0x1122334455667788", 8, 0)
W(64, "movabs %ax,0x1122334455667788", 2, 0)
W(64, "addr32 movabs %eax,0x12345678", 4, 0)
R(64, "mov (%rdi),%eax", 4, 0)                # readl
R(64, "mov 0x10(%rbx),%ecx", 4, 1)
R(64, "mov (%rdi),%rax", 8, 0)                # readq
R(64, "mov (%rdi),%ax", 2, 0)                 # readw
R(64, "mov (%rdi),%al", 1, 0)                 # readb
R(64, "mov (%rdi),%ah", 1, 0, 1)
R(64, "mov (%rdi),%dh", 1, 2, 1)
R(64, "mov (%rdi),%dil", 1, 7)
R(64, "mov (%rsi),%r11d", 4, 11)
R(64, "mov 0x8(%r15),%r14", 8, 14)
R(64, "mov 0x1000(%rip),%eax", 4, 0)
R(64, "mov -0x10(%rip),%rdx", 8, 2)
R(64, "movabs 0x1122334455667788,%eax", 4, 0)
R(64, "movabs 0x1122334455667788,%al", 1, 0)
R(64, "movabs 0x1122334455667788,%rax", 8, 0)
R(64, "movzbl (%rsi),%eax", 1, 0, ext="ZERO", dst=4)
R(64, "movzwl (%rsi),%eax", 2, 0, ext="ZERO", dst=4)
R(64, "movzbq (%rsi),%r10", 1, 10, ext="ZERO", dst=8)
R(64, "movzbw (%rsi),%ax", 1, 0, ext="ZERO", dst=2)
R(64, "movzwq 0x20(%rdi,%rcx,2),%rbx", 2, 3, ext="ZERO", dst=8)
R(64, "movsbl (%rsi),%eax", 1, 0, ext="SIGN", dst=4)
R(64, "movswl 0x8(%rsi),%edx", 2, 2, ext="SIGN", dst=4)
R(64, "movsbq (%rsi),%rax", 1, 0, ext="SIGN", dst=8)
R(64, "movswq (%rsi),%r8", 2, 8, ext="SIGN", dst=8)
R(64, "movsbw 0x1000(%rip),%r9w", 1, 9, ext="SIGN", dst=2)
I(64, "movl $0x12345678,0x20(%rdx)", 4, 0x12345678)
I(64, "movb $0xab,(%rdi)", 1, 0xab)
I(64, "movw $0xbeef,(%rdi)", 2, 0xbeef)
I(64, "movq $-1,(%rdi)", 8, 0xffffffffffffffff)
I(64, "movq $0x7fffffff,(%rdi)", 8, 0x7fffffff)
I(64, "movq $-0x80000000,(%rdi)", 8, 0xffffffff80000000)
I(64, "movl $0x80000000,(%rdi)", 4, 0x80000000)
I(64, "movl $1,0x1000(%rip)", 4, 1)
I(64, "movb $1,0x12345678(%rax,%rbx,2)", 1, 1)
I(64, "movl $0xdeadbeef,%gs:0x10", 4, 0xdeadbeef)
I(64, "movw $0x1234,0x10(%r12)", 2, 0x1234)
# ---- 32-bit mode ---------------------------------------------------------------
W(32, "mov %eax,(%edi)", 4, 0)
W(32, "mov %ax,(%edi)", 2, 0)
W(32, "mov %eax,(%di)", 4, 0)
W(32, "movb %ah,(%ecx)", 1, 0, 1)
W(32, "mov %ecx,0x12345678", 4, 1)
W(32, "mov %edx,0x10(%ebp,%esi,4)", 4, 2)
W(32, "movl %eax,0x12345678", 4, 0)
W(32, "addr16 movl %eax,0x1234", 4, 0)
R(32, "mov (%esi),%ecx", 4, 1)
R(32, "mov 0x1234(%bx,%si),%eax", 4, 0)
R(32, "mov 0x12345678,%eax", 4, 0)
R(32, "mov 0x12345678,%al", 1, 0)
R(32, "mov (%eax),%bh", 1, 3, 1)
R(32, "movzbl (%esi),%eax", 1, 0, ext="ZERO", dst=4)
R(32, "movswl -4(%esp),%edi", 2, 7, ext="SIGN", dst=4)
I(32, "movl $0x12345678,0x10(%ebp,%esi,4)", 4, 0x12345678)
I(32, "movw $0x1234,(%eax)", 2, 0x1234)
I(32, "movb $0x5a,0x12345678", 1, 0x5a)
# ---- 16-bit mode (real-mode code) ---------------------------------------------
W(16, "mov %ax,(%di)", 2, 0)
W(16, "mov %eax,(%di)", 4, 0)
W(16, "mov %ax,0x1234(%bp)", 2, 0)
W(16, "mov %al,-2(%bp,%di)", 1, 0)
W(16, "mov %ax,0x5678", 2, 0)
W(16, "mov %cx,0x5678", 2, 1)
W(16, "mov %dh,(%bx)", 1, 2, 1)
R(16, "mov (%bx,%si),%cx", 2, 1)
R(16, "mov 0x1234,%ax", 2, 0)
R(16, "mov (%eax),%ax", 2, 0)
R(16, "mov 0x10(%eax,%ebx,4),%ax", 2, 0)
R(16, "addr32 mov 0x12345678,%ax", 2, 0)
R(16, "movzbw (%si),%ax", 1, 0, ext="ZERO", dst=2)
R(16, "movzbl (%si),%eax", 1, 0, ext="ZERO", dst=4)
R(16, "movsbw 0x1(%bp),%dx", 1, 2, ext="SIGN", dst=2)
I(16, "movw $0x1234,0x10(%bx)", 2, 0x1234)
I(16, "movl $0x12345678,(%di)", 4, 0x12345678)
I(16, "movb $0x12,0x3456", 1, 0x12)

# ---- recognised and refused (-ENOTSUP): name write size rep lock ------------
N = notsup
N(64, "rep movsb", "movs", 1, 1, 1)
N(64, "rep movsl", "movs", 1, 4, 1)
N(64, "movsq", "movs", 1, 8)
N(64, "stosl", "stos", 1, 4)
N(64, "rep stosq", "stos", 1, 8, 1)
N(64, "rep stosw", "stos", 1, 2, 1)
N(64, "lodsb", "lods", 0, 1)
N(64, "cmpsb", "cmps", 0, 1)
N(64, "scasl", "scas", 0, 4)
N(64, "repne scasb", "scas", 0, 1, 1)
N(64, "lock addl $1,(%rdi)", "add", 1, 4, 0, 1)
N(64, "lock orl %eax,(%rdi)", "or", 1, 4, 0, 1)
N(64, "andl $0xff00,(%rdi)", "and", 1, 4)
N(64, "andl $0x7f,0x10(%rdi)", "and", 1, 4)
N(64, "xor %eax,(%rdi)", "xor", 1, 4)
N(64, "add (%rdi),%eax", "add", 0, 4)
N(64, "orb $0x80,0x1000(%rip)", "or", 1, 1)
N(64, "orw $0x1234,(%rdi)", "or", 1, 2)
N(64, "lock orq $0x1000,(%rdi)", "or", 1, 8, 0, 1)
N(64, "cmpl $0,(%rdi)", "cmp", 0, 4)
N(64, "subq %rax,(%rdi)", "sub", 1, 8)
N(64, "adcb (%rdi),%al", "adc", 0, 1)
N(64, "sbb %ecx,0x8(%rdx)", "sbb", 1, 4)
N(64, "test %eax,(%rdi)", "test", 0, 4)
N(64, "xchg %eax,(%rdi)", "xchg", 1, 4)
N(64, "incl (%rdi)", "inc", 1, 4)
N(64, "lock decl (%rdi)", "dec", 1, 4, 0, 1)
N(64, "incb 0x10(%rax)", "inc", 1, 1)
N(64, "notl (%rdi)", "not", 1, 4)
N(64, "negq (%rdi)", "neg", 1, 8)
N(64, "mull (%rdi)", "mul", 0, 4)
N(64, "lock btsl $3,(%rdi)", "bts", 1, 4, 0, 1)
N(64, "btl %eax,(%rdi)", "bt", 0, 4)
N(64, "btl $5,(%rdi)", "bt", 0, 4)
N(64, "lock btrq %rax,(%rdi)", "btr", 1, 8, 0, 1)
N(64, "btcw $1,(%rdi)", "btc", 1, 2)
N(64, "lock cmpxchg %ecx,(%rdi)", "cmpxchg", 1, 4, 0, 1)
N(64, "lock cmpxchgb %cl,(%rdi)", "cmpxchg", 1, 1, 0, 1)
N(64, "lock xadd %eax,(%rdi)", "xadd", 1, 4, 0, 1)
N(64, "testb $1,(%rdi)", "test", 0, 1)
N(64, "testl $0x1000,(%rdi)", "test", 0, 4)
N(64, "testq $-2,0x40(%rdi)", "test", 0, 8)
N(64, "testw $0x8000,(%rdi)", "test", 0, 2)
N(32, "rep movsl", "movs", 1, 4, 1)
N(32, "lock addl $1,(%eax)", "add", 1, 4, 0, 1)
N(32, "orw $0x1234,0x10(%ebx)", "or", 1, 2)
N(16, "rep movsw", "movs", 1, 2, 1)
N(16, "orw $0x1234,0x10(%bx)", "or", 1, 2)
N(16, "orl $0x12345678,(%si)", "or", 1, 4)

# ---- intercepted instructions for insn_length() ------------------------------
for a in ["cpuid", "rdmsr", "wrmsr", "rdtsc", "rdtscp", "rdpmc", "hlt", "invd",
          "wbinvd", "xsetbv", "vmcall", "vmmcall", "vmrun", "vmload",
          "vmsave", "stgi", "clgi", "skinit", "invlpga", "monitor", "mwait",
          "monitorx", "mwaitx", "pause", "in $0x80,%al", "in $0x71,%eax",
          "in $0x60,%ax", "out %al,$0x80", "out %eax,$0x20", "in (%dx),%al",
          "in (%dx),%ax", "in (%dx),%eax", "out %al,(%dx)", "out %ax,(%dx)",
          "out %eax,(%dx)", "insb", "insw", "insl", "outsb", "outsw", "outsl",
          "rep insb", "rep outsw", "rep outsl", "rep insl (%dx),%es:(%edi)",
          "rep outsb %fs:(%rsi),(%dx)", "mov %cr0,%rax", "mov %rax,%cr3",
          "mov %cr8,%rax", "mov %r9,%cr4", "mov %cr2,%r15", "mov %db7,%rax",
          "mov %rax,%db7", "mov %rbx,%db0", "invlpg (%rax)",
          "invlpg 0x10(%rax,%rbx,4)", "invlpg 0x12345678(%rip)",
          "invlpg (%r13)", "invlpg 0x1000(,%rcx,8)", "invlpg -0x8(%rsp)",
          "invlpg (%eax)", "invlpg %gs:0x12345678(%r12,%r13,2)",
          "mov %eax,(%rdi)", "mov (%rdi),%rax", "movl $0x12345678,0x20(%rdx)",
          "movzbl (%rsi),%eax"]:
    length(64, a)
for a in ["cpuid", "rdmsr", "rdtscp", "hlt", "vmmcall", "pause",
          "in $0x80,%al", "out %eax,(%dx)", "rep insw", "rep outsl",
          "mov %cr0,%eax", "mov %eax,%cr3", "mov %eax,%db7",
          "invlpg 0x12345678", "invlpg (%eax,%ebx,8)", "invlpg 0x10(%bx,%si)",
          "invlpg (%di)", "mov %eax,(%edi)", "movw $0x1234,(%eax)"]:
    length(32, a)
for a in ["cpuid", "wrmsr", "hlt", "vmmcall", "pause", "in $0x80,%al",
          "outsw", "rep outsb", "mov %cr0,%eax", "mov %eax,%cr0",
          "invlpg (%bx,%si)", "invlpg 0x1234", "invlpg 0x12(%bp)",
          "invlpg 0x12345678(%eax)", "invlpg (%esp)", "mov %ax,(%di)",
          "movl $0x12345678,(%di)"]:
    length(16, a)


def assemble(lines, mode):
    """Bytes of each line, from label differences in one assembled file."""
    src = f".code{mode}\n"
    for i, line in enumerate(lines):
        src += f"L{i}: {line}\n"
    src += f"L{len(lines)}: nop\n"
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "x.s"), "w") as f:
            f.write(src)
        obj, binf = os.path.join(d, "x.o"), os.path.join(d, "x.bin")
        subprocess.run(["as", "--64", "-o", obj, os.path.join(d, "x.s")],
                       check=True)
        subprocess.run(["objcopy", "-O", "binary", "-j", ".text", obj, binf],
                       check=True)
        with open(binf, "rb") as f:
            blob = f.read()
        syms = subprocess.run(["nm", obj], capture_output=True, text=True,
                              check=True).stdout
    addr = {}
    for s in syms.splitlines():
        p = s.split()
        if len(p) == 3 and p[2].startswith("L"):
            addr[int(p[2][1:])] = int(p[0], 16)
    return [blob[addr[i]:addr[i + 1]] for i in range(len(lines))]


def main():
    ver = subprocess.run(["as", "--version"], capture_output=True, text=True,
                         check=True).stdout.splitlines()[0]
    out = sys.stdout
    out.write("# Generated by tests/data/insn/gen_vectors.py with " + ver + "\n")
    out.write("# kind mode bytes | expectation | assembler text\n")
    out.write("#   mmio W size reg high / I size imm / "
              "R size reg high ext dst_size zero_upper32\n")
    out.write("#   notsup name write size rep lock;  len -\n")
    for mode in (64, 32, 16):
        for kind in ("mmio", "notsup", "len"):
            vs = [v for v in VEC if v[0] == mode and v[2] == kind]
            for v, b in zip(vs, assemble([v[1] for v in vs], mode)):
                out.write(f"{kind} {mode} {b.hex(' ')} | {v[3]} | {v[1]}\n")


if __name__ == "__main__":
    main()

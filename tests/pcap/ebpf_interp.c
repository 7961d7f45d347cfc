// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <string.h>
#include <linux/bpf.h>

#include "ebpf_interp.h"

#define STACK_SIZE 512

struct vm {
	uint64_t r[11];
	uint8_t stack[STACK_SIZE];
	const uint8_t *frame;
	size_t caplen;
};

static bool in_range(const struct vm *vm, uint64_t addr, size_t size, bool write)
{
	uint64_t s = (uint64_t)(uintptr_t)vm->stack, f = (uint64_t)(uintptr_t)vm->frame;

	if (addr >= s && addr + size <= s + STACK_SIZE)
		return true;
	return !write && vm->frame && addr >= f && addr + size <= f + vm->caplen;
}

static int mem_access(struct vm *vm, const struct ebpf_insn *i, size_t size)
{
	uint8_t cls = BPF_CLASS(i->code);
	uint64_t addr = (cls == BPF_LDX ? vm->r[i->src_reg] : vm->r[i->dst_reg]) + (int64_t)i->off;
	uint64_t v = 0;

	if (!in_range(vm, addr, size, cls != BPF_LDX))
		return INTERP_BAD_ACCESS;
	if (cls == BPF_LDX) {
		memcpy(&v, (const void *)(uintptr_t)addr, size);
		vm->r[i->dst_reg] = v;
		return 0;
	}
	v = cls == BPF_STX ? vm->r[i->src_reg] : (uint64_t)(int64_t)i->imm;
	memcpy((void *)(uintptr_t)addr, &v, size);
	return 0;
}

static uint64_t alu(uint8_t op, uint64_t a, uint64_t b, bool is64, bool *bad)
{
	if (!is64) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	switch (op) {
	case BPF_ADD:
		a += b;
		break;
	case BPF_SUB:
		a -= b;
		break;
	case BPF_MUL:
		a *= b;
		break;
	case BPF_DIV:
		a = b ? a / b : 0;
		break;
	case BPF_MOD:
		a = b ? a % b : a;
		break;
	case BPF_OR:
		a |= b;
		break;
	case BPF_AND:
		a &= b;
		break;
	case BPF_XOR:
		a ^= b;
		break;
	case BPF_LSH:
		if (b >= (is64 ? 64u : 32u))
			*bad = true;
		else
			a <<= b;
		break;
	case BPF_RSH:
		if (b >= (is64 ? 64u : 32u))
			*bad = true;
		else
			a >>= b;
		break;
	case BPF_NEG:
		a = 0 - a;
		break;
	case BPF_MOV:
		a = b;
		break;
	default:
		*bad = true;
	}
	return is64 ? a : (uint32_t)a;
}

static uint64_t byteswap(uint64_t v, int bits)
{
	return bits == 16 ? __builtin_bswap16((uint16_t)v) :
	       bits == 32 ? __builtin_bswap32((uint32_t)v) :
			    __builtin_bswap64(v);
}

static bool cond(uint8_t op, uint64_t a, uint64_t b, bool is32, bool *bad)
{
	if (is32) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	switch (op) {
	case BPF_JEQ:
		return a == b;
	case BPF_JNE:
		return a != b;
	case BPF_JGT:
		return a > b;
	case BPF_JGE:
		return a >= b;
	case BPF_JLT:
		return a < b;
	case BPF_JLE:
		return a <= b;
	case BPF_JSET:
		return (a & b) != 0;
	}
	*bad = true;
	return false;
}

/* bpf_probe_read_kernel: the only helper the translator calls. */
static int call(struct vm *vm, const struct ebpf_insn *i)
{
	uint64_t dst = vm->r[1], size = vm->r[2], src = vm->r[3];

	if (i->imm != BPF_FUNC_probe_read_kernel || size > 8)
		return INTERP_BAD_INSN;
	if (!in_range(vm, dst, size, true) || !in_range(vm, src, size, false))
		return INTERP_BAD_ACCESS;
	memcpy((void *)(uintptr_t)dst, (const void *)(uintptr_t)src, size);
	vm->r[0] = 0;
	for (int r = 1; r <= 5; r++)
		vm->r[r] = 0xdeadbeefdeadbeefULL; /* clobbered, as in the kernel */
	return 0;
}

static int step_jmp(struct vm *vm, const struct ebpf_insn *i, size_t *pc, bool *done)
{
	uint8_t op = BPF_OP(i->code);
	bool bad = false;
	uint64_t b;

	if (op == BPF_EXIT) {
		*done = true;
		return 0;
	}
	if (op == BPF_CALL)
		return BPF_CLASS(i->code) == BPF_JMP ? call(vm, i) : INTERP_BAD_INSN;
	if (op == BPF_JA) {
		*pc += i->off;
		return 0;
	}
	b = BPF_SRC(i->code) == BPF_X ? vm->r[i->src_reg] : (uint64_t)(int64_t)i->imm;
	if (cond(op, vm->r[i->dst_reg], b, BPF_CLASS(i->code) == BPF_JMP32, &bad))
		*pc += i->off;
	return bad ? INTERP_BAD_INSN : 0;
}

static int step(struct vm *vm, const struct ebpf_insn *i, size_t *pc, bool *done)
{
	static const size_t sizes[] = {
		[BPF_W >> 3] = 4, [BPF_H >> 3] = 2, [BPF_B >> 3] = 1, [BPF_DW >> 3] = 8
	};
	uint8_t cls = BPF_CLASS(i->code);
	bool bad = false;
	uint64_t b;

	if (i->dst_reg > 10 || i->src_reg > 10)
		return INTERP_BAD_INSN;
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_OP(i->code) == BPF_END) {
			if (cls != BPF_ALU || BPF_SRC(i->code) != BPF_TO_BE)
				return INTERP_BAD_INSN;
			vm->r[i->dst_reg] = byteswap(vm->r[i->dst_reg], i->imm);
			return 0;
		}
		if (i->dst_reg == 10)
			return INTERP_BAD_INSN;
		b = BPF_SRC(i->code) == BPF_X ? vm->r[i->src_reg] : (uint64_t)(int64_t)i->imm;
		vm->r[i->dst_reg] =
			alu(BPF_OP(i->code), vm->r[i->dst_reg], b, cls == BPF_ALU64, &bad);
		return bad ? INTERP_BAD_INSN : 0;
	case BPF_LDX:
	case BPF_STX:
	case BPF_ST:
		if (BPF_MODE(i->code) != BPF_MEM)
			return INTERP_BAD_INSN;
		return mem_access(vm, i, sizes[BPF_SIZE(i->code) >> 3]);
	case BPF_JMP:
	case BPF_JMP32:
		return step_jmp(vm, i, pc, done);
	}
	return INTERP_BAD_INSN;
}

int ebpf_interp_run(const struct ebpf_insn *prog, size_t len, const uint8_t *frame, size_t caplen,
		    uint64_t wire_len, int *verdict)
{
	struct vm vm = { .frame = frame, .caplen = caplen };
	bool done = false;
	size_t pc = 0, steps = 0;
	int err;

	memset(vm.stack, 0xa5, sizeof(vm.stack)); /* uninitialised stack is not zero */
	vm.r[1] = (uint64_t)(uintptr_t)frame;
	vm.r[2] = (uint64_t)(uintptr_t)frame + caplen;
	vm.r[3] = wire_len;
	vm.r[10] = (uint64_t)(uintptr_t)vm.stack + STACK_SIZE;
	while (!done) {
		if (pc >= len || ++steps > 1000000)
			return INTERP_RUNAWAY;
		err = step(&vm, &prog[pc], &pc, &done);
		if (err)
			return err;
		pc++;
	}
	if (vm.r[0] > 1)
		return INTERP_BAD_RET;
	*verdict = (int)vm.r[0];
	return INTERP_OK;
}

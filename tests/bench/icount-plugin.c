// SPDX-License-Identifier: GPL-2.0-only
/*
 * A TCG plugin for make bench's deterministic mode: counts the guest
 * instructions executed between two marker instructions, kernel and user
 * apart, and appends one line per window to the file of its "out" argument:
 *
 *   WINDOW<TAB>USER<TAB>KERNEL
 *
 * The markers are 8-byte NOPs, "nopl disp32(%rax,%rax,1)" (0f 1f 84 00 +
 * disp32), with the displacement "ovp1" (start) or "ovp0" (stop); the
 * guest executes them through tests/bench/icount-mark.c. Such a NOP has no
 * effect, needs no privilege, touches no memory and cannot trap, and
 * compilers pad with the same NOP but displacement 0: no other code holds
 * these bytes. A window's counts include the instructions of whole blocks
 * (the count is added when a translation block starts, split by the block's
 * address: the top bit set is kernel space), so they are exact up to the
 * rest of a block a fault or interrupt leaves, which is the same on every
 * run under -icount.
 *
 * With the argument "profile=FILE" it also counts the instructions of each
 * kernel translation block, by the block's start address, and appends to
 * FILE when a window ends one line per block executed in it:
 *
 *   WINDOW<TAB>ADDRESS (hex)<TAB>INSTRUCTIONS
 *
 * tests/bench/icount-profile.py maps the addresses to the guest's functions.
 * A block lies in one function (it ends at a jump, call or return), and the
 * same address keeps one counter when its block is translated again. User
 * space is not split (its addresses repeat across processes); blocks past
 * the table's PROF_SLOTS count in the window's kernel total only.
 *
 * Debian's qemu (7.2) ships no qemu-plugin.h: qemu-plugin-7.2.h declares
 * what this file uses of its plugin API version 1. Build:
 *   gcc -shared -fPIC -O2 -o icount-plugin.so icount-plugin.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin-7.2.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static const unsigned char mark_start[8] = { 0x0f, 0x1f, 0x84, 0x00, 'o', 'v', 'p', '1' };
static const unsigned char mark_stop[8] = { 0x0f, 0x1f, 0x84, 0x00, 'o', 'v', 'p', '0' };

/* one vCPU (-icount refuses more than one TCG thread): plain counters */
static uint64_t count_user, count_kernel;
static uint64_t start_user, start_kernel;
static bool in_window;
static unsigned int windows;
static FILE *out;

/* the profile: an open-addressing table of kernel block start addresses */
#define PROF_BITS 20
#define PROF_SLOTS (1u << PROF_BITS)

struct prof_slot {
	uint64_t vaddr;		/* 0: free (no kernel code at address 0) */
	uint64_t insns;		/* executed, since the start of the run */
	uint64_t at_start;	/* insns when the current window started */
};

static struct prof_slot *prof;
static uint32_t *prof_used;	/* the taken slots, in the order taken */
static uint32_t prof_n;
static FILE *prof_out;

/* prof_slot_of: the counter of a kernel block, NULL when the table is full */
static struct prof_slot *prof_slot_of(uint64_t vaddr)
{
	uint32_t i = (vaddr * 0x9e3779b97f4a7c15ull) >> (64 - PROF_BITS);
	uint32_t probes;

	for (probes = 0; probes < PROF_SLOTS / 2; probes++) {
		struct prof_slot *s = &prof[i];

		if (s->vaddr == vaddr)
			return s;
		if (!s->vaddr) {
			s->vaddr = vaddr;
			s->at_start = 0;
			prof_used[prof_n++] = i;
			return s;
		}
		i = (i + 1) & (PROF_SLOTS - 1);
	}
	return NULL;
}

static void prof_start(void)
{
	uint32_t i;

	for (i = 0; i < prof_n; i++)
		prof[prof_used[i]].at_start = prof[prof_used[i]].insns;
}

static void prof_stop(void)
{
	uint32_t i;

	for (i = 0; i < prof_n; i++) {
		struct prof_slot *s = &prof[prof_used[i]];

		if (s->insns != s->at_start)
			fprintf(prof_out, "%u\t%" PRIx64 "\t%" PRIu64 "\n", windows,
				s->vaddr, s->insns - s->at_start);
	}
	fflush(prof_out);
}

static void on_start(unsigned int vcpu, void *udata)
{
	start_user = count_user;
	start_kernel = count_kernel;
	in_window = true;
	if (prof)
		prof_start();
}

static void on_stop(unsigned int vcpu, void *udata)
{
	if (!in_window)
		return;
	in_window = false;
	windows++;
	fprintf(out, "%u\t%" PRIu64 "\t%" PRIu64 "\n", windows,
		count_user - start_user, count_kernel - start_kernel);
	fflush(out);
	if (prof)
		prof_stop();
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	bool kernel = vaddr >> 63;
	struct prof_slot *slot;

	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 kernel ? &count_kernel : &count_user, n);
	if (prof && kernel) {
		slot = prof_slot_of(vaddr);
		if (slot)
			qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
								 &slot->insns, n);
	}
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		const void *data = qemu_plugin_insn_data(insn);

		if (qemu_plugin_insn_size(insn) != sizeof(mark_start))
			continue;
		if (!memcmp(data, mark_start, sizeof(mark_start)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_start,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
		else if (!memcmp(data, mark_stop, sizeof(mark_stop)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_stop,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
	}
}

/* the whole run's counts, as window 0, when qemu exits */
static void on_qemu_exit(qemu_plugin_id_t id, void *udata)
{
	fprintf(out, "0\t%" PRIu64 "\t%" PRIu64 "\n", count_user, count_kernel);
	fclose(out);
	if (prof_out)
		fclose(prof_out);
}

/* prof_open: the profile's table and FILE; nonzero when that fails */
static int prof_open(const char *path)
{
	prof = calloc(PROF_SLOTS, sizeof(*prof));
	prof_used = calloc(PROF_SLOTS, sizeof(*prof_used));
	prof_out = fopen(path, "w");
	if (prof && prof_used && prof_out)
		return 0;
	qemu_plugin_outs("icount-plugin: cannot set up the profile\n");
	return -1;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *path = NULL, *profile = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
		else if (!strncmp(argv[i], "profile=", 8))
			profile = argv[i] + 8;
	}
	if (!path) {
		qemu_plugin_outs("icount-plugin: needs out=FILE\n");
		return -1;
	}
	if (info->system_emulation && info->system.max_vcpus > 1) {
		qemu_plugin_outs("icount-plugin: counts one vCPU only (-smp 1)\n");
		return -1;
	}
	out = fopen(path, "w");
	if (!out)
		return -1;
	if (profile && prof_open(profile))
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * icount-mark CMD [ARG...]: runs CMD between the start and the stop marker
 * of tests/bench/icount-plugin.c (8-byte NOPs with the displacement "ovp1"
 * and "ovp0"), so that the plugin counts the guest instructions of the
 * whole machine while CMD runs, fork and exec included. Exits with CMD's
 * status (127: it could not be started). Built static (x86_64 guests run
 * it from the host's root).
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void mark_start(void)
{
	asm volatile(".byte 0x0f, 0x1f, 0x84, 0x00, 'o', 'v', 'p', '1'" ::: "memory");
}

static void mark_stop(void)
{
	asm volatile(".byte 0x0f, 0x1f, 0x84, 0x00, 'o', 'v', 'p', '0'" ::: "memory");
}

int main(int argc, char **argv)
{
	int status = 0;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: icount-mark CMD [ARG...]\n");
		return 2;
	}
	mark_start();
	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	mark_stop();
	if (pid < 0)
		return 127;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

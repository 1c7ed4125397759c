/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * base_crash.c: a short backtrace on stderr when the process dies of a
 * fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT).
 *
 * A crash that shows only an exit status (-6) cannot be diagnosed after
 * the fact, so the handler writes the signal and the return addresses of
 * the thread that got it, then lets the signal kill the process as it
 * would have (SA_RESETHAND and a re-raise: the exit status and a core
 * dump stay what they were). Only async-signal-safe calls are made in the
 * handler: write() and backtrace_symbols_fd(), which writes to the fd
 * without malloc. backtrace() itself may load libgcc_s on its first call,
 * which does allocate, so base_crash_init calls it once beforehand.
 *
 * The handler runs on an alternate signal stack, so that a stack overflow
 * is reported too. An alternate stack belongs to one thread: the main
 * thread gets one in base_crash_init, and other threads get theirs from
 * base_crash_thread_init (freed when the thread ends).
 *
 * Under AddressSanitizer or ThreadSanitizer the sanitizer's own reports
 * for SIGSEGV, SIGBUS and SIGFPE are better, so only SIGABRT and SIGILL
 * are taken over there.
 */
#include "base.h"

#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FRAMES_MAX 64

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

static const struct {
	int sig;
	const char *name;
	bool sanitizer_too; /* also taken over under a sanitizer */
} fatal[] = {
	{ SIGSEGV, "SIGSEGV", false },
	{ SIGBUS, "SIGBUS", false },
	{ SIGFPE, "SIGFPE", false },
	{ SIGILL, "SIGILL", true },
	{ SIGABRT, "SIGABRT", true },
};

static pthread_key_t altstack_key;
static pthread_once_t altstack_once = PTHREAD_ONCE_INIT;

static void
say(const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, s, n);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void
on_fatal(int sig)
{
	void *frames[FRAMES_MAX];
	const char *name = "?";
	int n;

	for (size_t i = 0; i < ARRAY_LEN(fatal); i++)
		if (fatal[i].sig == sig)
			name = fatal[i].name;
	say("parley: fatal signal ");
	say(name);
	say("; backtrace of the thread that got it (resolve +0x offsets "
	    "with addr2line -f -e BINARY):\n");
	n = backtrace(frames, FRAMES_MAX);
	backtrace_symbols_fd(frames, n, STDERR_FILENO);
	/* SA_RESETHAND put the default action back; the signal is blocked
	 * until the handler returns, and then it ends the process. */
	raise(sig);
}

static void
altstack_free(void *p)
{
	stack_t off = { .ss_flags = SS_DISABLE };

	sigaltstack(&off, NULL);
	free(p);
}

static void
altstack_key_make(void)
{
	pthread_key_create(&altstack_key, altstack_free);
}

/*
 * Gives the calling thread an alternate signal stack for the fatal-signal
 * handler, once; it is freed when the thread ends. Safe to call often.
 */
void
base_crash_thread_init(void)
{
	size_t size = 64 * 1024;
	stack_t ss = { 0 };

	pthread_once(&altstack_once, altstack_key_make);
	if (pthread_getspecific(altstack_key) != NULL)
		return;
	if ((size_t)SIGSTKSZ > size)
		size = (size_t)SIGSTKSZ;
	ss.ss_sp = xmalloc(size);
	ss.ss_size = size;
	if (sigaltstack(&ss, NULL) != 0) {
		free(ss.ss_sp);
		return;
	}
	pthread_setspecific(altstack_key, ss.ss_sp);
}

/*
 * Installs the fatal-signal handler for the whole process and an
 * alternate stack for the calling thread. Call once, early in main.
 */
void
base_crash_init(void)
{
	void *warm[1];
	struct sigaction sa;

	backtrace(warm, 1);
	base_crash_thread_init();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_LEN(fatal); i++) {
#ifdef UNDER_SANITIZER
		if (!fatal[i].sanitizer_too)
			continue;
#endif
		sigaction(fatal[i].sig, &sa, NULL);
	}
}

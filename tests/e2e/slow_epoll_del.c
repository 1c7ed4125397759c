/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * slow_epoll_del.c: an LD_PRELOAD shim for make stress-shutdown
 * STRESS_SLOW_DEL=1 that delays epoll_ctl(EPOLL_CTL_DEL) on the main
 * thread by 5 ms.
 *
 * MHD_quiesce_daemon removes the listening socket from each worker's
 * epoll set from the main thread, racing the workers (issue 12); the
 * window is a few instructions wide, so a stress run hits it rarely. The
 * delay holds it open: with MHD_quiesce_daemon in http_stop, every run
 * under load aborts. Parley no longer quiesces, so every run must pass.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

int
epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	static int (*real)(int, int, int, struct epoll_event *);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "epoll_ctl");
	if (op == EPOLL_CTL_DEL && gettid() == getpid()) {
		struct timespec ts = { 0, 5 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	return real(epfd, op, fd, ev);
}

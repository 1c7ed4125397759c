/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * fuzz.h: what the libFuzzer targets in tests/fuzz/ share: a failed check
 * that aborts with a message (libFuzzer then saves the input as a crash),
 * and a reader that cuts the fuzzer's bytes into typed fields.
 *
 * Each target is one .c file with LLVMFuzzerTestOneInput; it may #include
 * the .c it tests to reach its statics, as the unit tests do. Targets must
 * free everything they allocate: libFuzzer runs with LeakSanitizer.
 */
#ifndef PARLEY_FUZZ_H
#define PARLEY_FUZZ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

__attribute__((format(printf, 3, 4), noreturn, unused)) static void
fuzz__fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "\n%s:%d: check failed: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* Aborts with the message when cond is false; for invariants on output. */
#define FUZZ_CHECK(cond, ...) do { \
	if (!(cond)) \
		fuzz__fail(__FILE__, __LINE__, __VA_ARGS__); \
} while (0)

/* Prints up to 300 bytes of s to stderr, escaped, for a failure message. */
__attribute__((unused)) static void
fuzz_dump(const char *label, const void *p, size_t n)
{
	const unsigned char *s = p;

	fprintf(stderr, "%s (%zu bytes): \"", label, n);
	for (size_t i = 0; i < n && i < 300; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
			fputc(s[i], stderr);
		else
			fprintf(stderr, "\\x%02x", s[i]);
	}
	fprintf(stderr, "%s\"\n", n > 300 ? "..." : "");
}

/* The fuzzer's input, consumed from the front. */
struct fuzz_in {
	const uint8_t *p;  /* next unread byte; borrowed from libFuzzer */
	size_t n;          /* bytes left */
};

/* Returns the next byte, or 0 when the input is used up. */
__attribute__((unused)) static uint8_t
fuzz_u8(struct fuzz_in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

/* Returns the next 8 bytes as an integer (missing bytes read as 0). */
__attribute__((unused)) static uint64_t
fuzz_u64(struct fuzz_in *in)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | fuzz_u8(in);
	return v;
}

/*
 * Returns the bytes up to the next sep byte (or the end), which is
 * skipped; *len gets their count. The result borrows the input.
 */
__attribute__((unused)) static const char *
fuzz_field(struct fuzz_in *in, uint8_t sep, size_t *len)
{
	const uint8_t *start = in->p;
	const uint8_t *end = memchr(in->p, sep, in->n);
	size_t n = end ? (size_t)(end - in->p) : in->n;

	*len = n;
	in->p += n;
	in->n -= n;
	if (end != NULL) {
		in->p++;
		in->n--;
	}
	return (const char *)start;
}

/* A heap copy of n bytes with a NUL after them; the caller frees it. */
__attribute__((unused)) static char *
fuzz_strndup(const void *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

#endif

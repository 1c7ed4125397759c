/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * verify.h: parley verify, the client any reader runs to check a Parley
 * site's signed mod log and canary (docs/VERIFY.md). It depends on base
 * only, and on libcurl and jansson (docs/decisions/012-verify-client.md);
 * nothing of the server's own layers.
 */
#ifndef PARLEY_VERIFY_H
#define PARLEY_VERIFY_H

#include "../base/base.h"

#define VERIFY_MAX_BODY (8u << 20) /* bytes of one response at the most */
#define VERIFY_MAX_DEPTH 16       /* nesting of a JSON document */
#define VERIFY_MAX_ENTRIES 10000000 /* mod log entries followed */

struct verify_opts {
	const char *url;          /* the site, http:// or https:// */
	const char *state;        /* --state FILE, or NULL */
	int64_t canary_max_age;   /* seconds; a canary older fails */
	int64_t now;              /* the time ages are measured against */
	bool quiet;               /* print failures and the verdict only */
};

int verify_run(const struct verify_opts *o);

/*
 * The JSON readers, apart from the network so that the fuzzer can feed
 * them (tests/fuzz/fuzz_verify.c). Each reads untrusted bytes, returns 0
 * when they have the expected shape and -1 (with *err set to a static
 * message) when not; nothing they read is trusted beyond that.
 */
struct verify_head {
	char public_key[65];
	int64_t seq;
	char hash[65];
	char time[32];
	char signature[129];
	char site_name[128];
};

struct verify_entry {
	int64_t seq;
	char prev[65];
	char hash[65];            /* as served */
	char computed[65];        /* SHA-256 of its canonical JSON */
	bool canonical_ok;        /* the entry could be written canonically */
};

struct verify_page {
	struct verify_entry *e;   /* malloc'd array of n; verify_page_free */
	size_t n;
	char after[32];           /* the next page's cursor; "" at the end */
};

int verify_read_head(const char *p, size_t len, struct verify_head *out,
    int (*key_cb)(void *data, const char *pub, const char *next,
    const char *retired, const char *sig), void *data, const char **err);
int verify_read_page(const char *p, size_t len, struct verify_page *out,
    const char **err);
void verify_page_free(struct verify_page *pg);
int verify_read_canary(const char *p, size_t len, struct buf *canon,
    char signature[129], char date[32], const char **err);

#endif

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * app_token.c: API tokens: reading an Authorization: Bearer header,
 * making a token, its scopes as text, and signing a request in by one.
 *
 * A token is "parley_" and 64 hex digits (32 random bytes); the prefix
 * lets secret scanners and people recognise one. Only the BLAKE2b hash of
 * the 32 bytes is stored, as for session cookies (app_session.c), so the
 * lookup is one indexed read and a leaked database signs nobody in.
 */
#include "app_int.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#define TOKEN_PREFIX "parley_"
#define TOKEN_PREFIX_LEN 7
#define TOKEN_HEX 64

static const struct {
	const char *name;
	unsigned bit;
} scope_names[] = {
	{ "read", TOKEN_SCOPE_READ },
	{ "write", TOKEN_SCOPE_WRITE },
	{ "moderate", TOKEN_SCOPE_MODERATE },
};

/*
 * Reads an Authorization header's value (STR_NULL when absent). Returns
 * BEARER_OK and the token's storage key in key for "Bearer parley_HEX"
 * (the scheme in any letter case), BEARER_NONE for no header, BEARER_BAD
 * for anything else.
 */
enum bearer_rc
app_bearer_parse(struct str h, unsigned char key[32])
{
	unsigned char raw[32];
	size_t i = 0, n = 0;

	if (h.p == NULL)
		return BEARER_NONE;
	if (h.len < 7 || strncasecmp(h.p, "Bearer ", 7) != 0)
		return BEARER_BAD;
	i = 7;
	while (i < h.len && h.p[i] == ' ')
		i++;
	while (h.len > i && (h.p[h.len - 1] == ' ' || h.p[h.len - 1] == '\t'))
		h.len--;
	if (h.len - i != TOKEN_PREFIX_LEN + TOKEN_HEX ||
	    memcmp(h.p + i, TOKEN_PREFIX, TOKEN_PREFIX_LEN) != 0)
		return BEARER_BAD;
	i += TOKEN_PREFIX_LEN;
	for (size_t k = i; k < h.len; k++) {
		char ch = h.p[k];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return BEARER_BAD;
	}
	if (sodium_hex2bin(raw, sizeof(raw), h.p + i, TOKEN_HEX, NULL, &n,
	    NULL) != 0 || n != sizeof(raw))
		return BEARER_BAD;
	crypto_generichash(key, 32, raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));
	return BEARER_OK;
}

/*
 * Makes a new token: returns its text (in a, shown to the member once)
 * and sets key to what the store keeps.
 */
char *
app_token_new(struct arena *a, unsigned char key[32])
{
	unsigned char raw[32];
	char *out = arena_alloc(a, TOKEN_PREFIX_LEN + TOKEN_HEX + 1);

	randombytes_buf(raw, sizeof(raw));
	memcpy(out, TOKEN_PREFIX, TOKEN_PREFIX_LEN);
	sodium_bin2hex(out + TOKEN_PREFIX_LEN, TOKEN_HEX + 1, raw, sizeof(raw));
	crypto_generichash(key, 32, raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));
	return out;
}

/*
 * Reads a space-separated list of scope names (read, write, moderate;
 * repeats allowed) into *out. False for an unknown name or an empty
 * list.
 */
bool
app_scopes_parse(struct str s, unsigned *out)
{
	size_t i = 0;

	*out = 0;
	while (i < s.len) {
		size_t start;
		bool known = false;

		while (i < s.len && s.p[i] == ' ')
			i++;
		if (i == s.len)
			break;
		start = i;
		while (i < s.len && s.p[i] != ' ')
			i++;
		for (size_t k = 0; k < ARRAY_LEN(scope_names); k++) {
			if (i - start == strlen(scope_names[k].name) &&
			    memcmp(s.p + start, scope_names[k].name,
			    i - start) == 0) {
				*out |= scope_names[k].bit;
				known = true;
			}
		}
		if (!known)
			return false;
	}
	return *out != 0;
}

/* The scope names of scopes, space-separated (a or a literal). */
const char *
app_scopes_text(struct arena *a, unsigned scopes)
{
	struct buf b;

	buf_init(&b, a, 32);
	for (size_t k = 0; k < ARRAY_LEN(scope_names); k++) {
		if (!(scopes & scope_names[k].bit))
			continue;
		if (b.len > 0)
			buf_putc(&b, ' ');
		buf_puts(&b, scope_names[k].name);
	}
	buf_putc(&b, '\0');
	return b.p;
}

/*
 * Signs the request in by the token stored under key: sets c->user,
 * c->viewer, c->bearer, c->token_id and c->scopes. Returns a store
 * result: STORE_NOTFOUND for an unknown or revoked token.
 */
int
app_bearer_load(struct ctx *c, const unsigned char key[32])
{
	struct user *u = ARENA_NEW(c->a, struct user);
	int64_t id;
	unsigned scopes;
	int rc;

	rc = store_token_user(c->s, c->a, key, c->now, u, &c->viewer, &id,
	    &scopes);
	if (rc != STORE_OK)
		return rc;
	c->user = u;
	c->bearer = true;
	c->token_id = id;
	c->scopes = scopes;
	return STORE_OK;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_totp.c: a member's two-factor sign-in: the TOTP secret being
 * enrolled and the confirmed one, the last step a code was accepted in,
 * and the recovery codes (as 32-byte hashes the app makes).
 *
 * Replays are refused here, atomically: a step is accepted only by an
 * UPDATE that moves the last step forward, so two requests with the same
 * code cannot both succeed, on either backend.
 */
#include "store_int.h"

static void
copy_secret(const struct store_val *v, unsigned char out[STORE_TOTP_SECRET],
    bool *set)
{
	*set = v->type == STORE_T_BLOB && v->len == STORE_TOTP_SECRET;
	if (*set)
		memcpy(out, v->p, STORE_TOTP_SECRET);
}

static int
totp_cb(void *data, const struct store_val *row, size_t ncols)
{
	struct totp_state *t = data;

	if (ncols < 3)
		return store__bad_row(ncols, 3);
	copy_secret(&row[0], t->secret, &t->enabled);
	copy_secret(&row[1], t->pending_secret, &t->pending);
	t->last_step = store__col_i64(&row[2]);
	return STORE_OK;
}

/* Fills *out with user_id's two-factor state; STORE_NOTFOUND for an
 * unknown user. */
int
store_totp_get(struct store *s, int64_t user_id, struct totp_state *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	out->last_step = -1;
	rc = store__run(s, STMT_TOTP_GET, STORE_PARAMS(store_v_int(user_id)),
	    totp_cb, out);
	if (rc == STORE_OK && out->last_step == -1)
		rc = STORE_NOTFOUND;
	return rc;
}

/* Keeps secret as the one user_id is enrolling. */
int
store_totp_set_pending(struct store *s, int64_t user_id,
    const unsigned char secret[STORE_TOTP_SECRET])
{
	return store__run_one(s, STMT_TOTP_SET_PENDING, STORE_PARAMS(
	    store_v_int(user_id), store_v_blob(secret, STORE_TOTP_SECRET)));
}

/*
 * Makes the pending secret user_id's secret, with step (the confirming
 * code's) as the last step, and replaces the recovery codes with keys,
 * in one transaction. STORE_NOTFOUND when nothing was pending.
 */
int
store_totp_confirm(struct store *s, int64_t user_id, int64_t step,
    const unsigned char keys[STORE_RECOVERY_CODES][32])
{
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run_one(s, STMT_TOTP_CONFIRM, STORE_PARAMS(
	    store_v_int(user_id), store_v_int(step)));
	if (rc == STORE_OK)
		rc = store__run(s, STMT_RECOVERY_CLEAR, STORE_PARAMS(
		    store_v_int(user_id)), NULL, NULL);
	for (size_t i = 0; rc == STORE_OK && i < STORE_RECOVERY_CODES; i++)
		rc = store__run(s, STMT_RECOVERY_ADD, STORE_PARAMS(
		    store_v_int(user_id), store_v_blob(keys[i], 32)), NULL, NULL);
	return store__tx_end(s, rc);
}

/* Accepts a code of step for user_id: STORE_CONFLICT when a code of that
 * step or a later one was accepted already (a replay). */
int
store_totp_step(struct store *s, int64_t user_id, int64_t step)
{
	int rc = store__run_one(s, STMT_TOTP_STEP, STORE_PARAMS(
	    store_v_int(user_id), store_v_int(step)));

	return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}

/* Turns two-factor sign-in off for user_id: secrets and recovery codes
 * go. */
int
store_totp_disable(struct store *s, int64_t user_id)
{
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = store__run(s, STMT_TOTP_DISABLE, STORE_PARAMS(store_v_int(user_id)),
	    NULL, NULL);
	if (rc == STORE_OK)
		rc = store__run(s, STMT_RECOVERY_CLEAR, STORE_PARAMS(
		    store_v_int(user_id)), NULL, NULL);
	return store__tx_end(s, rc);
}

/* Uses up user_id's recovery code under key; STORE_NOTFOUND when there
 * is no such unused code. */
int
store_recovery_use(struct store *s, int64_t user_id,
    const unsigned char key[32])
{
	return store__run_one(s, STMT_RECOVERY_USE, STORE_PARAMS(
	    store_v_int(user_id), store_v_blob(key, 32)));
}

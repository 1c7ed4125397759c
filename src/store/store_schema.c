/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_schema.c: the numbered schema migrations and store_migrate, which
 * applies the missing ones in order.
 *
 * Each migration is one SQL script run inside its own transaction together
 * with the row that records it in schema_version, so a crash leaves the
 * database at a whole version. A table rather than PRAGMA user_version
 * keeps the bookkeeping identical on PostgreSQL, whose migrations sit in
 * a parallel array with the same numbering. Each migration is written
 * once, as a SCHEMA_Vn macro over the few words in which the databases
 * differ, and spelled in each one's words for its array. Migrations are
 * append-only: once released, a script is never edited (neither its
 * macro nor a word it uses); a change is a new number, in both arrays
 * (test_store_pg.c checks they stay the same length).
 *
 * Several servers may start at once on one PostgreSQL database: each
 * step runs under STMT_SCHEMA_LOCK (an advisory lock there; SQLite's
 * BEGIN IMMEDIATE already excludes other writers), so one applies a
 * migration and the others find it done.
 *
 * Listings must be index walks, never a sort of the whole table and never
 * OFFSET: every post sort has an index on (key DESC, id DESC), alone and
 * behind community_id, which the row-value cursors of store_sql.c use.
 */
#include "store_int.h"

/* Runs before anything else; must be idempotent. */
static const char schema_bootstrap[] =
	"CREATE TABLE IF NOT EXISTS schema_version ("
	" version INTEGER PRIMARY KEY,"
	" applied BIGINT NOT NULL)";

/* ---- migrations -------------------------------------------------------- */

/*
 * Each migration is written once, as a macro over the words in which the
 * two databases' schemas differ, and spelled out for each below. On
 * PostgreSQL: BIGSERIAL ids, BIGINT times, counters and references
 * (INTEGER flags stay INTEGER, read back as numbers like SQLite's),
 * DOUBLE PRECISION ranks, BYTEA session keys; name_lc sorts in the "C"
 * collation, byte by byte as on SQLite, whatever the database's locale;
 * SQLite keeps the tables that have a natural key WITHOUT ROWID; and an
 * index that must deliver rows in id order names id on PostgreSQL, where
 * SQLite keeps the rowid in every index anyway. A word that begins with
 * a space stands after one without. The words, in the order SCHEMA_Vn
 * takes them: SERIAL (the type of a generated id), I64, F64, BYTES,
 * BYTEWISE (after TEXT), KEYED (after a table keyed by its primary key),
 * INDEX_ID (at the end of such an index's columns).
 */
#define SQLITE_WORDS \
	"INTEGER", "INTEGER", "REAL", "BLOB", "", " WITHOUT ROWID", ""
#define PG_WORDS \
	"BIGSERIAL", "BIGINT", "DOUBLE PRECISION", "BYTEA", " COLLATE \"C\"", \
	"", ", id"
/* Spells migration m (SCHEMA_Vn) in one database's words. */
#define SPELL(m, ...) m(__VA_ARGS__)

#define SCHEMA_V1(SERIAL, I64, F64, BYTES, BYTEWISE, KEYED, INDEX_ID) \
	/* name_lc holds the ASCII-lowercased name for case-insensitive \
	 * uniqueness and lookup; name keeps the spelling as registered. */ \
	"CREATE TABLE users (" \
	" id " SERIAL " PRIMARY KEY," \
	" name TEXT NOT NULL," \
	" name_lc TEXT" BYTEWISE " NOT NULL UNIQUE," \
	" pass TEXT NOT NULL," \
	" email TEXT," \
	" created " I64 " NOT NULL," \
	" role INTEGER NOT NULL DEFAULT 0," \
	" points " I64 " NOT NULL DEFAULT 0," \
	" deleted INTEGER NOT NULL DEFAULT 0);\n" \
	\
	/* key is a hash of the cookie token, never the token itself. */ \
	"CREATE TABLE sessions (" \
	" key " BYTES " PRIMARY KEY," \
	" user_id " I64 " NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	" created " I64 " NOT NULL," \
	" expires " I64 " NOT NULL)" KEYED ";\n" \
	"CREATE INDEX sessions_expires ON sessions(expires);\n" \
	"CREATE INDEX sessions_user ON sessions(user_id);\n" \
	\
	"CREATE TABLE settings (" \
	" key TEXT PRIMARY KEY," \
	" value TEXT NOT NULL)" KEYED ";\n" \
	\
	"CREATE TABLE communities (" \
	" id " SERIAL " PRIMARY KEY," \
	" name TEXT NOT NULL," \
	" name_lc TEXT" BYTEWISE " NOT NULL UNIQUE," \
	" title TEXT NOT NULL," \
	" description TEXT," \
	" description_html TEXT," \
	" rules TEXT," \
	" rules_html TEXT," \
	" creator_id " I64 " REFERENCES users(id)," \
	" created " I64 " NOT NULL," \
	" subscribers " I64 " NOT NULL DEFAULT 0," \
	" post_count " I64 " NOT NULL DEFAULT 0);\n" \
	"CREATE INDEX communities_subscribers" \
	" ON communities(subscribers DESC, name_lc);\n" \
	\
	"CREATE TABLE moderators (" \
	" community_id " I64 " NOT NULL REFERENCES communities(id)" \
	"  ON DELETE CASCADE," \
	" user_id " I64 " NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	" position INTEGER NOT NULL," \
	" created " I64 " NOT NULL," \
	" PRIMARY KEY (community_id, user_id))" KEYED ";\n" \
	"CREATE INDEX moderators_user ON moderators(user_id);\n" \
	\
	"CREATE TABLE subscriptions (" \
	" user_id " I64 " NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	" community_id " I64 " NOT NULL REFERENCES communities(id)" \
	"  ON DELETE CASCADE," \
	" created " I64 " NOT NULL DEFAULT 0," \
	" PRIMARY KEY (user_id, community_id))" KEYED ";\n" \
	"CREATE INDEX subscriptions_community ON subscriptions(community_id);\n" \
	\
	"CREATE TABLE posts (" \
	" id " SERIAL " PRIMARY KEY," \
	" community_id " I64 " NOT NULL REFERENCES communities(id)," \
	" author_id " I64 " NOT NULL REFERENCES users(id)," \
	" title TEXT NOT NULL," \
	" url TEXT," \
	" body TEXT," \
	" body_html TEXT," \
	" created " I64 " NOT NULL," \
	" edited " I64 " NOT NULL DEFAULT 0," \
	" ups " I64 " NOT NULL DEFAULT 0," \
	" downs " I64 " NOT NULL DEFAULT 0," \
	" score " I64 " NOT NULL DEFAULT 0," \
	" hot " F64 " NOT NULL DEFAULT 0," \
	" controversy " F64 " NOT NULL DEFAULT 0," \
	" comment_count " I64 " NOT NULL DEFAULT 0," \
	" last_comment " I64 " NOT NULL DEFAULT 0," \
	" locked INTEGER NOT NULL DEFAULT 0," \
	" stickied INTEGER NOT NULL DEFAULT 0," \
	" nsfw INTEGER NOT NULL DEFAULT 0," \
	" removed INTEGER NOT NULL DEFAULT 0," \
	" removed_reason TEXT," \
	" deleted INTEGER NOT NULL DEFAULT 0);\n" \
	"CREATE INDEX posts_hot ON posts(hot DESC, id DESC);\n" \
	"CREATE INDEX posts_c_hot ON posts(community_id, hot DESC, id DESC);\n" \
	"CREATE INDEX posts_new ON posts(created DESC, id DESC);\n" \
	"CREATE INDEX posts_c_new" \
	" ON posts(community_id, created DESC, id DESC);\n" \
	"CREATE INDEX posts_top ON posts(score DESC, id DESC);\n" \
	"CREATE INDEX posts_c_top ON posts(community_id, score DESC, id DESC);\n" \
	"CREATE INDEX posts_active ON posts(last_comment DESC, id DESC);\n" \
	"CREATE INDEX posts_c_active" \
	" ON posts(community_id, last_comment DESC, id DESC);\n" \
	"CREATE INDEX posts_controversial ON posts(controversy DESC, id DESC);\n" \
	"CREATE INDEX posts_c_controversial" \
	" ON posts(community_id, controversy DESC, id DESC);\n" \
	"CREATE INDEX posts_author ON posts(author_id, created DESC, id DESC);\n" \
	\
	/* parent_id is NULL at the top level, so the foreign key holds. */ \
	"CREATE TABLE comments (" \
	" id " SERIAL " PRIMARY KEY," \
	" post_id " I64 " NOT NULL REFERENCES posts(id)," \
	" parent_id " I64 " REFERENCES comments(id)," \
	" author_id " I64 " NOT NULL REFERENCES users(id)," \
	" body TEXT," \
	" body_html TEXT," \
	" created " I64 " NOT NULL," \
	" edited " I64 " NOT NULL DEFAULT 0," \
	" ups " I64 " NOT NULL DEFAULT 0," \
	" downs " I64 " NOT NULL DEFAULT 0," \
	" score " I64 " NOT NULL DEFAULT 0," \
	" depth INTEGER NOT NULL DEFAULT 0," \
	" removed INTEGER NOT NULL DEFAULT 0," \
	" removed_reason TEXT," \
	" deleted INTEGER NOT NULL DEFAULT 0);\n" \
	"CREATE INDEX comments_post ON comments(post_id" INDEX_ID ");\n" \
	"CREATE INDEX comments_author" \
	" ON comments(author_id, created DESC, id DESC);\n" \
	"CREATE INDEX comments_parent ON comments(parent_id);\n" \
	\
	/* kind is enum vote_kind; target_id is a post or comment id. Only \
	 * +1 and -1 are stored: withdrawing a vote deletes its row. */ \
	"CREATE TABLE votes (" \
	" user_id " I64 " NOT NULL REFERENCES users(id)," \
	" kind INTEGER NOT NULL," \
	" target_id " I64 " NOT NULL," \
	" dir INTEGER NOT NULL CHECK (dir IN (-1, 1))," \
	" created " I64 " NOT NULL," \
	" PRIMARY KEY (user_id, kind, target_id))" KEYED ";\n" \
	\
	/* editor_id is NULL for the pages seeded at first start. */ \
	"CREATE TABLE pages (" \
	" slug TEXT PRIMARY KEY," \
	" title TEXT NOT NULL," \
	" body TEXT NOT NULL," \
	" body_html TEXT NOT NULL," \
	" editor_id " I64 " REFERENCES users(id)," \
	" updated " I64 " NOT NULL)" KEYED ";\n" \
	\
	/* Moderation; later migrations extend these. */ \
	"CREATE TABLE reports (" \
	" id " SERIAL " PRIMARY KEY," \
	" kind INTEGER NOT NULL," \
	" target_id " I64 " NOT NULL," \
	" community_id " I64 " NOT NULL REFERENCES communities(id)," \
	" reporter_id " I64 " NOT NULL REFERENCES users(id)," \
	" reason TEXT NOT NULL," \
	" created " I64 " NOT NULL," \
	" resolved INTEGER NOT NULL DEFAULT 0," \
	" resolver_id " I64 " REFERENCES users(id)," \
	" resolved_at " I64 " NOT NULL DEFAULT 0);\n" \
	"CREATE INDEX reports_queue ON reports(community_id, resolved, id);\n" \
	"CREATE INDEX reports_target ON reports(kind, target_id);\n" \
	\
	/* community_id NULL: a site-wide ban. expires 0: permanent. */ \
	"CREATE TABLE bans (" \
	" id " SERIAL " PRIMARY KEY," \
	" community_id " I64 " REFERENCES communities(id)," \
	" user_id " I64 " NOT NULL REFERENCES users(id)," \
	" mod_id " I64 " REFERENCES users(id)," \
	" reason TEXT," \
	" created " I64 " NOT NULL," \
	" expires " I64 " NOT NULL DEFAULT 0);\n" \
	"CREATE INDEX bans_user ON bans(user_id, community_id);\n" \
	\
	/* action is a word such as "remove" or "ban"; kind and target_id \
	 * name a post or comment, target_user_id a user. */ \
	"CREATE TABLE mod_actions (" \
	" id " SERIAL " PRIMARY KEY," \
	" community_id " I64 " REFERENCES communities(id)," \
	" mod_id " I64 " NOT NULL REFERENCES users(id)," \
	" action TEXT NOT NULL," \
	" kind INTEGER," \
	" target_id " I64 "," \
	" target_user_id " I64 " REFERENCES users(id)," \
	" reason TEXT," \
	" created " I64 " NOT NULL," \
	" expires " I64 " NOT NULL DEFAULT 0);\n" \
	"CREATE INDEX mod_actions_community ON mod_actions(community_id, id);\n" \
	\
	"CREATE TABLE blocks (" \
	" user_id " I64 " NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	" blocked_id " I64 " NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	" created " I64 " NOT NULL," \
	" PRIMARY KEY (user_id, blocked_id))" KEYED ";\n"

/*
 * v2: moderation. held marks a submission the word/URL filter sent to the
 * queue; listings skip it like removed and deleted posts. The partial
 * indexes serve the few rows that are stickied or held without walking a
 * community's posts, and reports_open makes a second open report by the
 * same user on the same item a unique-constraint conflict.
 */
#define SCHEMA_V2(SERIAL, I64, F64, BYTES, BYTEWISE, KEYED, INDEX_ID) \
	"ALTER TABLE posts ADD COLUMN held INTEGER NOT NULL DEFAULT 0;\n" \
	"ALTER TABLE comments ADD COLUMN held INTEGER NOT NULL DEFAULT 0;\n" \
	"CREATE INDEX posts_sticky ON posts(community_id, created DESC, id DESC)" \
	" WHERE stickied = 1;\n" \
	"CREATE INDEX posts_held ON posts(community_id, id) WHERE held = 1;\n" \
	"CREATE INDEX comments_held ON comments(id) WHERE held = 1;\n" \
	\
	"CREATE UNIQUE INDEX reports_open" \
	" ON reports(kind, target_id, reporter_id) WHERE resolved = 0;\n" \
	"CREATE INDEX bans_community ON bans(community_id);\n" \
	"CREATE INDEX mod_actions_mod ON mod_actions(mod_id, id);\n" \
	\
	"CREATE TABLE notifications (" \
	" id " SERIAL " PRIMARY KEY," \
	" user_id " I64 " NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	" text TEXT NOT NULL," \
	" link TEXT," \
	" created " I64 " NOT NULL," \
	" seen INTEGER NOT NULL DEFAULT 0);\n" \
	"CREATE INDEX notifications_user ON notifications(user_id, id);\n" \
	"CREATE INDEX notifications_unseen ON notifications(user_id)" \
	" WHERE seen = 0;\n" \
	\
	/* key names a limit and its subject, e.g. "login:203.0.113.7". */ \
	"CREATE TABLE rate_events (" \
	" key TEXT NOT NULL," \
	" at " I64 " NOT NULL);\n" \
	"CREATE INDEX rate_events_key ON rate_events(key, at);\n" \
	"CREATE INDEX rate_events_at ON rate_events(at);\n" \
	\
	/* A user's votes by time: activity limits and the votes page. */ \
	"CREATE INDEX votes_user ON votes(user_id, created);\n"

/*
 * v7 (api tokens, two-factor sign-in): a member's bearer tokens for the
 * API. Like sessions, only the BLAKE2b hash of a token is kept; scopes is
 * a bit set (read 1, write 2, moderate 4). last_used is written at most
 * once a minute. totp_secret is the confirmed TOTP secret (NULL: no
 * two-factor sign-in), totp_pending the one being enrolled, and
 * totp_last_step the last 30-second step a code was accepted in, so that
 * no code counts twice; recovery codes are kept as hashes and deleted
 * when used. A session notes the address and browser it began from and
 * when it was last used (written at most once a minute), for the
 * member's list of sessions. An invite code (hashed) lets uses_left
 * more people register while registration is by invitation, until
 * expires (0: never); users.invited_by says whose code a member used.
 */
#define SCHEMA_V7(SERIAL, I64, F64, BYTES, BYTEWISE, KEYED, INDEX_ID) \
	"CREATE TABLE api_tokens (" \
	" id " SERIAL " PRIMARY KEY," \
	" user_id " I64 " NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	" name TEXT NOT NULL," \
	" key " BYTES " NOT NULL UNIQUE," \
	" scopes INTEGER NOT NULL," \
	" created " I64 " NOT NULL," \
	" last_used " I64 ");\n" \
	"CREATE INDEX api_tokens_user ON api_tokens(user_id, id);\n" \
	"ALTER TABLE users ADD COLUMN totp_secret " BYTES ";\n" \
	"ALTER TABLE users ADD COLUMN totp_pending " BYTES ";\n" \
	"ALTER TABLE users ADD COLUMN totp_last_step " I64 " NOT NULL DEFAULT 0;\n" \
	"CREATE TABLE recovery_codes (" \
	" user_id " I64 " NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	" key " BYTES " NOT NULL," \
	" PRIMARY KEY (user_id, key))" KEYED ";\n" \
	"ALTER TABLE sessions ADD COLUMN last_seen " I64 ";\n" \
	"ALTER TABLE sessions ADD COLUMN address TEXT;\n" \
	"ALTER TABLE sessions ADD COLUMN agent TEXT;\n" \
	"CREATE INDEX sessions_user_created ON sessions(user_id, created);\n" \
	"CREATE TABLE invites (" \
	" id " SERIAL " PRIMARY KEY," \
	" key " BYTES " NOT NULL UNIQUE," \
	" creator_id " I64 " NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	" uses_left " I64 " NOT NULL," \
	" expires " I64 " NOT NULL DEFAULT 0," \
	" created " I64 " NOT NULL);\n" \
	"ALTER TABLE users ADD COLUMN invited_by " I64 ";\n"

/* Migration N is element N-1. Append only. */
const char *const store_sqlite_migrations[] = {
	SPELL(SCHEMA_V1, SQLITE_WORDS),
	SPELL(SCHEMA_V2, SQLITE_WORDS),
	SPELL(SCHEMA_V7, SQLITE_WORDS), /* api tokens, 2fa */
	NULL
};

/* Migration N is element N-1, with the same N as on SQLite. Append only. */
const char *const store_pg_migrations[] = {
	SPELL(SCHEMA_V1, PG_WORDS),
	SPELL(SCHEMA_V2, PG_WORDS),
	SPELL(SCHEMA_V7, PG_WORDS), /* api tokens, 2fa */
	NULL
};

/* ---- applying migrations --------------------------------------------- */

static int
read_version(void *data, const struct store_val *row, size_t ncols)
{
	int64_t *version = data;

	if (ncols < 1)
		return STORE_ERR;
	*version = row[0].type == STORE_T_INT ? row[0].i : 0;
	return STORE_OK;
}

/* Applies migration number version (1-based) unless another process did. */
static int
apply_one(struct store *s, int64_t version, const char *sql)
{
	int64_t have = 0;
	int rc;

	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	/* Re-read under the lock: a second server may have won. */
	rc = s->be->exec(s->conn, STMT_SCHEMA_LOCK, NULL, 0, NULL, NULL);
	if (rc == STORE_OK)
		rc = s->be->exec(s->conn, STMT_SCHEMA_VERSION, NULL, 0,
		    read_version, &have);
	if (rc != STORE_OK || have >= version)
		goto out;
	if ((rc = s->be->script(s->conn, sql)) != STORE_OK)
		goto out;
	rc = s->be->exec(s->conn, STMT_SCHEMA_VERSION_ADD,
	    STORE_PARAMS(store_v_int(version), store_v_int(base_now())),
	    NULL, NULL);
out:
	if (rc != STORE_OK) {
		store_rollback(s);
		return rc;
	}
	rc = store_commit(s);
	if (rc == STORE_OK && have < version)
		log_msg(LOG_INFO, "store", "schema migrated to v%lld",
		    (long long)version);
	return rc;
}

/*
 * Brings the schema up to the newest version this build knows, applying
 * each missing migration in its own transaction. Running it on an
 * up-to-date database changes nothing. Returns STORE_OK, STORE_BUSY when
 * another writer held the database too long, or STORE_ERR (logged), also
 * when the database was written by a newer build. Must not be called
 * inside a transaction.
 */
int
store_migrate(struct store *s)
{
	const char *const *m = s->be->migrations;
	int64_t have = 0, known = 0;
	int rc;

	if (s->depth != 0) {
		log_msg(LOG_ERR, "store", "migrate inside a transaction");
		return STORE_ERR;
	}
	while (m[known] != NULL)
		known++;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = s->be->exec(s->conn, STMT_SCHEMA_LOCK, NULL, 0, NULL, NULL);
	if (rc == STORE_OK)
		rc = s->be->script(s->conn, schema_bootstrap);
	if (rc != STORE_OK) {
		store_rollback(s);
		return rc;
	}
	if ((rc = store_commit(s)) != STORE_OK)
		return rc;
	rc = s->be->exec(s->conn, STMT_SCHEMA_VERSION, NULL, 0, read_version,
	    &have);
	if (rc != STORE_OK)
		return rc;
	if (have > known) {
		log_msg(LOG_ERR, "store", "database schema v%lld is newer than "
		    "this build (v%lld)", (long long)have, (long long)known);
		return STORE_ERR;
	}
	for (int64_t v = have + 1; v <= known; v++) {
		if ((rc = apply_one(s, v, m[v - 1])) != STORE_OK) {
			log_msg(LOG_ERR, "store", "migration v%lld failed",
			    (long long)v);
			return rc;
		}
	}
	return STORE_OK;
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_schema.c: the numbered schema migrations and store_migrate, which
 * applies the missing ones in order.
 *
 * Each migration is one SQL script run inside its own transaction together
 * with the row that records it in schema_version, so a crash leaves the
 * database at a whole version. A table rather than PRAGMA user_version
 * keeps the bookkeeping identical on PostgreSQL, whose migrations sit in
 * a parallel array with the same numbering. Migrations are append-only:
 * once released, a script is never edited; a change is a new number, in
 * both arrays (test_store_pg.c checks they stay the same length).
 *
 * Several servers may start at once on one PostgreSQL database: each
 * step runs under STMT_SCHEMA_LOCK (an advisory lock there; SQLite's
 * BEGIN IMMEDIATE already excludes other writers), so one applies a
 * migration and the others find it done.
 *
 * Listings must be index walks, never a sort of the whole table and never
 * OFFSET: every post sort has an index on (key DESC, id DESC), alone and
 * behind community_id, which the row-value cursors of store_sqlite.c use.
 */
#include "store_int.h"

/* Runs before anything else; must be idempotent. */
static const char schema_bootstrap[] =
	"CREATE TABLE IF NOT EXISTS schema_version ("
	" version INTEGER PRIMARY KEY,"
	" applied BIGINT NOT NULL)";

/* ---- SQLite migrations ------------------------------------------------ */

static const char sqlite_v1[] =
	/* name_lc holds the ASCII-lowercased name for case-insensitive
	 * uniqueness and lookup; name keeps the spelling as registered. */
	"CREATE TABLE users ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" name_lc TEXT NOT NULL UNIQUE,"
	" pass TEXT NOT NULL,"
	" email TEXT,"
	" created INTEGER NOT NULL,"
	" role INTEGER NOT NULL DEFAULT 0,"
	" points INTEGER NOT NULL DEFAULT 0,"
	" deleted INTEGER NOT NULL DEFAULT 0);\n"

	/* key is a hash of the cookie token, never the token itself. */
	"CREATE TABLE sessions ("
	" key BLOB PRIMARY KEY,"
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" created INTEGER NOT NULL,"
	" expires INTEGER NOT NULL) WITHOUT ROWID;\n"
	"CREATE INDEX sessions_expires ON sessions(expires);\n"
	"CREATE INDEX sessions_user ON sessions(user_id);\n"

	"CREATE TABLE settings ("
	" key TEXT PRIMARY KEY,"
	" value TEXT NOT NULL) WITHOUT ROWID;\n"

	"CREATE TABLE communities ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" name_lc TEXT NOT NULL UNIQUE,"
	" title TEXT NOT NULL,"
	" description TEXT,"
	" description_html TEXT,"
	" rules TEXT,"
	" rules_html TEXT,"
	" creator_id INTEGER REFERENCES users(id),"
	" created INTEGER NOT NULL,"
	" subscribers INTEGER NOT NULL DEFAULT 0,"
	" post_count INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE INDEX communities_subscribers"
	" ON communities(subscribers DESC, name_lc);\n"

	"CREATE TABLE moderators ("
	" community_id INTEGER NOT NULL REFERENCES communities(id)"
	"  ON DELETE CASCADE,"
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" position INTEGER NOT NULL,"
	" created INTEGER NOT NULL,"
	" PRIMARY KEY (community_id, user_id)) WITHOUT ROWID;\n"
	"CREATE INDEX moderators_user ON moderators(user_id);\n"

	"CREATE TABLE subscriptions ("
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" community_id INTEGER NOT NULL REFERENCES communities(id)"
	"  ON DELETE CASCADE,"
	" created INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (user_id, community_id)) WITHOUT ROWID;\n"
	"CREATE INDEX subscriptions_community ON subscriptions(community_id);\n"

	"CREATE TABLE posts ("
	" id INTEGER PRIMARY KEY,"
	" community_id INTEGER NOT NULL REFERENCES communities(id),"
	" author_id INTEGER NOT NULL REFERENCES users(id),"
	" title TEXT NOT NULL,"
	" url TEXT,"
	" body TEXT,"
	" body_html TEXT,"
	" created INTEGER NOT NULL,"
	" edited INTEGER NOT NULL DEFAULT 0,"
	" ups INTEGER NOT NULL DEFAULT 0,"
	" downs INTEGER NOT NULL DEFAULT 0,"
	" score INTEGER NOT NULL DEFAULT 0,"
	" hot REAL NOT NULL DEFAULT 0,"
	" controversy REAL NOT NULL DEFAULT 0,"
	" comment_count INTEGER NOT NULL DEFAULT 0,"
	" last_comment INTEGER NOT NULL DEFAULT 0,"
	" locked INTEGER NOT NULL DEFAULT 0,"
	" stickied INTEGER NOT NULL DEFAULT 0,"
	" nsfw INTEGER NOT NULL DEFAULT 0,"
	" removed INTEGER NOT NULL DEFAULT 0,"
	" removed_reason TEXT,"
	" deleted INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE INDEX posts_hot ON posts(hot DESC, id DESC);\n"
	"CREATE INDEX posts_c_hot ON posts(community_id, hot DESC, id DESC);\n"
	"CREATE INDEX posts_new ON posts(created DESC, id DESC);\n"
	"CREATE INDEX posts_c_new"
	" ON posts(community_id, created DESC, id DESC);\n"
	"CREATE INDEX posts_top ON posts(score DESC, id DESC);\n"
	"CREATE INDEX posts_c_top ON posts(community_id, score DESC, id DESC);\n"
	"CREATE INDEX posts_active ON posts(last_comment DESC, id DESC);\n"
	"CREATE INDEX posts_c_active"
	" ON posts(community_id, last_comment DESC, id DESC);\n"
	"CREATE INDEX posts_controversial ON posts(controversy DESC, id DESC);\n"
	"CREATE INDEX posts_c_controversial"
	" ON posts(community_id, controversy DESC, id DESC);\n"
	"CREATE INDEX posts_author ON posts(author_id, created DESC, id DESC);\n"

	/* parent_id is NULL at the top level, so the foreign key holds. */
	"CREATE TABLE comments ("
	" id INTEGER PRIMARY KEY,"
	" post_id INTEGER NOT NULL REFERENCES posts(id),"
	" parent_id INTEGER REFERENCES comments(id),"
	" author_id INTEGER NOT NULL REFERENCES users(id),"
	" body TEXT,"
	" body_html TEXT,"
	" created INTEGER NOT NULL,"
	" edited INTEGER NOT NULL DEFAULT 0,"
	" ups INTEGER NOT NULL DEFAULT 0,"
	" downs INTEGER NOT NULL DEFAULT 0,"
	" score INTEGER NOT NULL DEFAULT 0,"
	" depth INTEGER NOT NULL DEFAULT 0,"
	" removed INTEGER NOT NULL DEFAULT 0,"
	" removed_reason TEXT,"
	" deleted INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE INDEX comments_post ON comments(post_id);\n"
	"CREATE INDEX comments_author"
	" ON comments(author_id, created DESC, id DESC);\n"
	"CREATE INDEX comments_parent ON comments(parent_id);\n"

	/* kind is enum vote_kind; target_id is a post or comment id. Only
	 * +1 and -1 are stored: withdrawing a vote deletes its row. */
	"CREATE TABLE votes ("
	" user_id INTEGER NOT NULL REFERENCES users(id),"
	" kind INTEGER NOT NULL,"
	" target_id INTEGER NOT NULL,"
	" dir INTEGER NOT NULL CHECK (dir IN (-1, 1)),"
	" created INTEGER NOT NULL,"
	" PRIMARY KEY (user_id, kind, target_id)) WITHOUT ROWID;\n"

	/* editor_id is NULL for the pages seeded at first start. */
	"CREATE TABLE pages ("
	" slug TEXT PRIMARY KEY,"
	" title TEXT NOT NULL,"
	" body TEXT NOT NULL,"
	" body_html TEXT NOT NULL,"
	" editor_id INTEGER REFERENCES users(id),"
	" updated INTEGER NOT NULL) WITHOUT ROWID;\n"

	/* Moderation; later migrations extend these. */
	"CREATE TABLE reports ("
	" id INTEGER PRIMARY KEY,"
	" kind INTEGER NOT NULL,"
	" target_id INTEGER NOT NULL,"
	" community_id INTEGER NOT NULL REFERENCES communities(id),"
	" reporter_id INTEGER NOT NULL REFERENCES users(id),"
	" reason TEXT NOT NULL,"
	" created INTEGER NOT NULL,"
	" resolved INTEGER NOT NULL DEFAULT 0,"
	" resolver_id INTEGER REFERENCES users(id),"
	" resolved_at INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE INDEX reports_queue ON reports(community_id, resolved, id);\n"
	"CREATE INDEX reports_target ON reports(kind, target_id);\n"

	/* community_id NULL: a site-wide ban. expires 0: permanent. */
	"CREATE TABLE bans ("
	" id INTEGER PRIMARY KEY,"
	" community_id INTEGER REFERENCES communities(id),"
	" user_id INTEGER NOT NULL REFERENCES users(id),"
	" mod_id INTEGER REFERENCES users(id),"
	" reason TEXT,"
	" created INTEGER NOT NULL,"
	" expires INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE INDEX bans_user ON bans(user_id, community_id);\n"

	/* action is a word such as "remove" or "ban"; kind and target_id
	 * name a post or comment, target_user_id a user. */
	"CREATE TABLE mod_actions ("
	" id INTEGER PRIMARY KEY,"
	" community_id INTEGER REFERENCES communities(id),"
	" mod_id INTEGER NOT NULL REFERENCES users(id),"
	" action TEXT NOT NULL,"
	" kind INTEGER,"
	" target_id INTEGER,"
	" target_user_id INTEGER REFERENCES users(id),"
	" reason TEXT,"
	" created INTEGER NOT NULL,"
	" expires INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE INDEX mod_actions_community ON mod_actions(community_id, id);\n"

	"CREATE TABLE blocks ("
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" blocked_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" created INTEGER NOT NULL,"
	" PRIMARY KEY (user_id, blocked_id)) WITHOUT ROWID;\n";

/*
 * v2: moderation. held marks a submission the word/URL filter sent to the
 * queue; listings skip it like removed and deleted posts. The partial
 * indexes serve the few rows that are stickied or held without walking a
 * community's posts, and reports_open makes a second open report by the
 * same user on the same item a unique-constraint conflict.
 */
static const char sqlite_v2[] =
	"ALTER TABLE posts ADD COLUMN held INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE comments ADD COLUMN held INTEGER NOT NULL DEFAULT 0;\n"
	"CREATE INDEX posts_sticky ON posts(community_id, created DESC, id DESC)"
	" WHERE stickied = 1;\n"
	"CREATE INDEX posts_held ON posts(community_id, id) WHERE held = 1;\n"
	"CREATE INDEX comments_held ON comments(id) WHERE held = 1;\n"

	"CREATE UNIQUE INDEX reports_open"
	" ON reports(kind, target_id, reporter_id) WHERE resolved = 0;\n"
	"CREATE INDEX bans_community ON bans(community_id);\n"
	"CREATE INDEX mod_actions_mod ON mod_actions(mod_id, id);\n"

	"CREATE TABLE notifications ("
	" id INTEGER PRIMARY KEY,"
	" user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" text TEXT NOT NULL,"
	" link TEXT,"
	" created INTEGER NOT NULL,"
	" seen INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE INDEX notifications_user ON notifications(user_id, id);\n"
	"CREATE INDEX notifications_unseen ON notifications(user_id)"
	" WHERE seen = 0;\n"

	/* key names a limit and its subject, e.g. "login:203.0.113.7". */
	"CREATE TABLE rate_events ("
	" key TEXT NOT NULL,"
	" at INTEGER NOT NULL);\n"
	"CREATE INDEX rate_events_key ON rate_events(key, at);\n"
	"CREATE INDEX rate_events_at ON rate_events(at);\n"

	/* A user's votes by time: activity limits and the votes page. */
	"CREATE INDEX votes_user ON votes(user_id, created);\n";

/* Migration N is element N-1. Append only. */
const char *const store_sqlite_migrations[] = {
	sqlite_v1,
	sqlite_v2,
	NULL
};

/* ---- PostgreSQL migrations -------------------------------------------- */

/*
 * The same tables, columns and indexes as sqlite_v1, in PostgreSQL's
 * types: BIGSERIAL ids, BIGINT times and counters, INTEGER flags (read
 * back as numbers, like SQLite's), DOUBLE PRECISION ranks, BYTEA session
 * keys. name_lc sorts in the "C" collation, byte by byte as on SQLite,
 * whatever the database's locale. comments_post carries id, which SQLite
 * keeps in every index as the rowid, so a thread loads in id order.
 */
static const char pg_v1[] =
	"CREATE TABLE users ("
	" id BIGSERIAL PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" name_lc TEXT COLLATE \"C\" NOT NULL UNIQUE,"
	" pass TEXT NOT NULL,"
	" email TEXT,"
	" created BIGINT NOT NULL,"
	" role INTEGER NOT NULL DEFAULT 0,"
	" points BIGINT NOT NULL DEFAULT 0,"
	" deleted INTEGER NOT NULL DEFAULT 0);\n"

	"CREATE TABLE sessions ("
	" key BYTEA PRIMARY KEY,"
	" user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" created BIGINT NOT NULL,"
	" expires BIGINT NOT NULL);\n"
	"CREATE INDEX sessions_expires ON sessions(expires);\n"
	"CREATE INDEX sessions_user ON sessions(user_id);\n"

	"CREATE TABLE settings ("
	" key TEXT PRIMARY KEY,"
	" value TEXT NOT NULL);\n"

	"CREATE TABLE communities ("
	" id BIGSERIAL PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" name_lc TEXT COLLATE \"C\" NOT NULL UNIQUE,"
	" title TEXT NOT NULL,"
	" description TEXT,"
	" description_html TEXT,"
	" rules TEXT,"
	" rules_html TEXT,"
	" creator_id BIGINT REFERENCES users(id),"
	" created BIGINT NOT NULL,"
	" subscribers BIGINT NOT NULL DEFAULT 0,"
	" post_count BIGINT NOT NULL DEFAULT 0);\n"
	"CREATE INDEX communities_subscribers"
	" ON communities(subscribers DESC, name_lc);\n"

	"CREATE TABLE moderators ("
	" community_id BIGINT NOT NULL REFERENCES communities(id)"
	"  ON DELETE CASCADE,"
	" user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" position INTEGER NOT NULL,"
	" created BIGINT NOT NULL,"
	" PRIMARY KEY (community_id, user_id));\n"
	"CREATE INDEX moderators_user ON moderators(user_id);\n"

	"CREATE TABLE subscriptions ("
	" user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" community_id BIGINT NOT NULL REFERENCES communities(id)"
	"  ON DELETE CASCADE,"
	" created BIGINT NOT NULL DEFAULT 0,"
	" PRIMARY KEY (user_id, community_id));\n"
	"CREATE INDEX subscriptions_community ON subscriptions(community_id);\n"

	"CREATE TABLE posts ("
	" id BIGSERIAL PRIMARY KEY,"
	" community_id BIGINT NOT NULL REFERENCES communities(id),"
	" author_id BIGINT NOT NULL REFERENCES users(id),"
	" title TEXT NOT NULL,"
	" url TEXT,"
	" body TEXT,"
	" body_html TEXT,"
	" created BIGINT NOT NULL,"
	" edited BIGINT NOT NULL DEFAULT 0,"
	" ups BIGINT NOT NULL DEFAULT 0,"
	" downs BIGINT NOT NULL DEFAULT 0,"
	" score BIGINT NOT NULL DEFAULT 0,"
	" hot DOUBLE PRECISION NOT NULL DEFAULT 0,"
	" controversy DOUBLE PRECISION NOT NULL DEFAULT 0,"
	" comment_count BIGINT NOT NULL DEFAULT 0,"
	" last_comment BIGINT NOT NULL DEFAULT 0,"
	" locked INTEGER NOT NULL DEFAULT 0,"
	" stickied INTEGER NOT NULL DEFAULT 0,"
	" nsfw INTEGER NOT NULL DEFAULT 0,"
	" removed INTEGER NOT NULL DEFAULT 0,"
	" removed_reason TEXT,"
	" deleted INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE INDEX posts_hot ON posts(hot DESC, id DESC);\n"
	"CREATE INDEX posts_c_hot ON posts(community_id, hot DESC, id DESC);\n"
	"CREATE INDEX posts_new ON posts(created DESC, id DESC);\n"
	"CREATE INDEX posts_c_new"
	" ON posts(community_id, created DESC, id DESC);\n"
	"CREATE INDEX posts_top ON posts(score DESC, id DESC);\n"
	"CREATE INDEX posts_c_top ON posts(community_id, score DESC, id DESC);\n"
	"CREATE INDEX posts_active ON posts(last_comment DESC, id DESC);\n"
	"CREATE INDEX posts_c_active"
	" ON posts(community_id, last_comment DESC, id DESC);\n"
	"CREATE INDEX posts_controversial ON posts(controversy DESC, id DESC);\n"
	"CREATE INDEX posts_c_controversial"
	" ON posts(community_id, controversy DESC, id DESC);\n"
	"CREATE INDEX posts_author ON posts(author_id, created DESC, id DESC);\n"

	"CREATE TABLE comments ("
	" id BIGSERIAL PRIMARY KEY,"
	" post_id BIGINT NOT NULL REFERENCES posts(id),"
	" parent_id BIGINT REFERENCES comments(id),"
	" author_id BIGINT NOT NULL REFERENCES users(id),"
	" body TEXT,"
	" body_html TEXT,"
	" created BIGINT NOT NULL,"
	" edited BIGINT NOT NULL DEFAULT 0,"
	" ups BIGINT NOT NULL DEFAULT 0,"
	" downs BIGINT NOT NULL DEFAULT 0,"
	" score BIGINT NOT NULL DEFAULT 0,"
	" depth INTEGER NOT NULL DEFAULT 0,"
	" removed INTEGER NOT NULL DEFAULT 0,"
	" removed_reason TEXT,"
	" deleted INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE INDEX comments_post ON comments(post_id, id);\n"
	"CREATE INDEX comments_author"
	" ON comments(author_id, created DESC, id DESC);\n"
	"CREATE INDEX comments_parent ON comments(parent_id);\n"

	"CREATE TABLE votes ("
	" user_id BIGINT NOT NULL REFERENCES users(id),"
	" kind INTEGER NOT NULL,"
	" target_id BIGINT NOT NULL,"
	" dir INTEGER NOT NULL CHECK (dir IN (-1, 1)),"
	" created BIGINT NOT NULL,"
	" PRIMARY KEY (user_id, kind, target_id));\n"

	"CREATE TABLE pages ("
	" slug TEXT PRIMARY KEY,"
	" title TEXT NOT NULL,"
	" body TEXT NOT NULL,"
	" body_html TEXT NOT NULL,"
	" editor_id BIGINT REFERENCES users(id),"
	" updated BIGINT NOT NULL);\n"

	"CREATE TABLE reports ("
	" id BIGSERIAL PRIMARY KEY,"
	" kind INTEGER NOT NULL,"
	" target_id BIGINT NOT NULL,"
	" community_id BIGINT NOT NULL REFERENCES communities(id),"
	" reporter_id BIGINT NOT NULL REFERENCES users(id),"
	" reason TEXT NOT NULL,"
	" created BIGINT NOT NULL,"
	" resolved INTEGER NOT NULL DEFAULT 0,"
	" resolver_id BIGINT REFERENCES users(id),"
	" resolved_at BIGINT NOT NULL DEFAULT 0);\n"
	"CREATE INDEX reports_queue ON reports(community_id, resolved, id);\n"
	"CREATE INDEX reports_target ON reports(kind, target_id);\n"

	"CREATE TABLE bans ("
	" id BIGSERIAL PRIMARY KEY,"
	" community_id BIGINT REFERENCES communities(id),"
	" user_id BIGINT NOT NULL REFERENCES users(id),"
	" mod_id BIGINT REFERENCES users(id),"
	" reason TEXT,"
	" created BIGINT NOT NULL,"
	" expires BIGINT NOT NULL DEFAULT 0);\n"
	"CREATE INDEX bans_user ON bans(user_id, community_id);\n"

	"CREATE TABLE mod_actions ("
	" id BIGSERIAL PRIMARY KEY,"
	" community_id BIGINT REFERENCES communities(id),"
	" mod_id BIGINT NOT NULL REFERENCES users(id),"
	" action TEXT NOT NULL,"
	" kind INTEGER,"
	" target_id BIGINT,"
	" target_user_id BIGINT REFERENCES users(id),"
	" reason TEXT,"
	" created BIGINT NOT NULL,"
	" expires BIGINT NOT NULL DEFAULT 0);\n"
	"CREATE INDEX mod_actions_community ON mod_actions(community_id, id);\n"

	"CREATE TABLE blocks ("
	" user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" blocked_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" created BIGINT NOT NULL,"
	" PRIMARY KEY (user_id, blocked_id));\n";

/* sqlite_v2 in PostgreSQL's types. */
static const char pg_v2[] =
	"ALTER TABLE posts ADD COLUMN held INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE comments ADD COLUMN held INTEGER NOT NULL DEFAULT 0;\n"
	"CREATE INDEX posts_sticky ON posts(community_id, created DESC, id DESC)"
	" WHERE stickied = 1;\n"
	"CREATE INDEX posts_held ON posts(community_id, id) WHERE held = 1;\n"
	"CREATE INDEX comments_held ON comments(id) WHERE held = 1;\n"

	"CREATE UNIQUE INDEX reports_open"
	" ON reports(kind, target_id, reporter_id) WHERE resolved = 0;\n"
	"CREATE INDEX bans_community ON bans(community_id);\n"
	"CREATE INDEX mod_actions_mod ON mod_actions(mod_id, id);\n"

	"CREATE TABLE notifications ("
	" id BIGSERIAL PRIMARY KEY,"
	" user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	" text TEXT NOT NULL,"
	" link TEXT,"
	" created BIGINT NOT NULL,"
	" seen INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE INDEX notifications_user ON notifications(user_id, id);\n"
	"CREATE INDEX notifications_unseen ON notifications(user_id)"
	" WHERE seen = 0;\n"

	"CREATE TABLE rate_events ("
	" key TEXT NOT NULL,"
	" at BIGINT NOT NULL);\n"
	"CREATE INDEX rate_events_key ON rate_events(key, at);\n"
	"CREATE INDEX rate_events_at ON rate_events(at);\n"

	"CREATE INDEX votes_user ON votes(user_id, created);\n";

/* Migration N is element N-1, with the same N as on SQLite. Append only. */
const char *const store_pg_migrations[] = {
	pg_v1,
	pg_v2,
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

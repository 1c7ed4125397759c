/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_pg.c: the PostgreSQL backend of the store, for "postgres://" and
 * "postgresql://" URLs, on libpq.
 *
 * The SQL of every statement sits in one table indexed by enum store_stmt,
 * in PostgreSQL's $n form, beside store_sqlite.c's ?NNN table. A statement
 * is prepared (PQprepare, named "s<enum>") the first time a connection runs
 * it and reused afterwards; its parameter count is read back once so a
 * wrong call fails cleanly, as on SQLite.
 *
 * Values: integers and reals travel as text, which the server parses into
 * whatever type it inferred for the parameter; text and blobs as binary
 * (bytes with a length, so no NUL terminator is needed). Results come back
 * in binary and are decoded by column type into INT, REAL, TEXT or BLOB
 * store_vals, so the domain layer sees the same types as from SQLite.
 * Statements that insert into a table with a generated id end with
 * "RETURNING id"; exec without a row callback keeps that id for last_id.
 *
 * Transactions run at READ COMMITTED. Writes that derive a value from a
 * row's old value either do it in SQL (x = x + 1) or read the row with
 * SELECT ... FOR UPDATE first (the vote targets), so concurrent votes on
 * one post queue on its row lock instead of overwriting each other.
 * PostgreSQL aborts a whole transaction on any failed statement, where
 * SQLite undoes only the statement; the domain layer therefore runs a
 * write that may fail in an expected way inside a savepoint when it is
 * nested, and a COMMIT that the server turned into a ROLLBACK is an error.
 *
 * A connection that the server dropped (a restart, a failover) is reset
 * on the next use and its statements prepared again. A statement that
 * fails on the dead connection reports STORE_BUSY, so the request is
 * answered 503, never a crash; reads and BEGIN, which cannot have changed
 * anything, are retried once on the new connection. Inside a transaction
 * nothing is retried: every statement reports STORE_BUSY until the caller
 * rolls back, so half a transaction is never replayed in autocommit.
 *
 * The URL may hold a password. It is never logged; libpq keeps it to
 * reconnect, and its messages name the host and port, not the password.
 */
#include "store_int.h"

#include <endian.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#define MAX_COLS 40    /* widest result row */
#define MAX_PARAMS 64  /* most values one statement binds */
#define NUM_LEN 32     /* room for an int64 or a %.17g double as text */

/* Type OIDs of pg_type.h, which client programs cannot include. */
enum {
	OID_BOOL = 16, OID_BYTEA = 17, OID_NAME = 19, OID_INT8 = 20,
	OID_INT2 = 21, OID_INT4 = 23, OID_TEXT = 25, OID_FLOAT4 = 700,
	OID_FLOAT8 = 701, OID_UNKNOWN = 705, OID_BPCHAR = 1042,
	OID_VARCHAR = 1043,
};

struct pg_conn {
	PGconn *pg;                 /* owned; PQreset reconnects it with the
	                               URL it was opened with */
	bool prepared[STMT__COUNT]; /* prepared on this session */
	int nparams[STMT__COUNT];   /* parameters each prepared one takes */
	int depth;                  /* open levels as begin/commit saw them */
	bool lost;                  /* dropped inside a transaction: BUSY
	                               until the caller rolls back */
	int64_t changes;            /* rows the last statement touched */
	int64_t last_id;            /* id the last RETURNING id gave */
};

/* ---- SQL ------------------------------------------------------------- */

#define USER_COLS \
	"u.id, u.name, u.email, u.created, u.role, u.points, u.deleted"

#define COMMUNITY_COLS \
	"c.id, c.name, c.title, c.description, c.description_html, " \
	"c.rules, c.rules_html, c.creator_id, c.created, c.subscribers, " \
	"c.post_count"

/* An author's name, or [deleted] once the account is deleted. */
#define AUTHOR_NAME "CASE WHEN u.deleted <> 0 THEN '[deleted]' ELSE u.name END"

/* POST_COL order; $1 is the viewer. Vote kind 0 is VOTE_POST. */
#define POST_SELECT \
	"SELECT p.id, p.community_id, c.name, p.author_id, " AUTHOR_NAME \
	", p.title, " \
	"p.url, p.body, p.body_html, p.created, p.edited, p.score, p.ups, " \
	"p.downs, p.comment_count, p.last_comment, p.locked, p.stickied, " \
	"p.nsfw, p.removed, p.deleted, p.removed_reason, " \
	"coalesce(v.dir, 0), p.held " \
	"FROM posts p " \
	"JOIN communities c ON c.id = p.community_id " \
	"JOIN users u ON u.id = p.author_id " \
	"LEFT JOIN votes v ON v.user_id = $1 AND v.kind = 0 " \
	"AND v.target_id = p.id "

/* COMMENT_COL order without the viewer's vote. */
#define COMMENT_COLS \
	"cm.id, cm.post_id, cm.parent_id, cm.author_id, " AUTHOR_NAME \
	", cm.body, " \
	"cm.body_html, cm.created, cm.edited, cm.score, cm.ups, cm.downs, " \
	"cm.depth, cm.removed, cm.deleted, cm.removed_reason"

/* COMMENT_COL order; $1 is the viewer. Vote kind 1 is VOTE_COMMENT. */
#define COMMENT_SELECT \
	"SELECT " COMMENT_COLS ", coalesce(v.dir, 0), cm.held " \
	"FROM comments cm " \
	"JOIN users u ON u.id = cm.author_id " \
	"LEFT JOIN votes v ON v.user_id = $1 AND v.kind = 1 " \
	"AND v.target_id = cm.id "

/*
 * One listing: the posts strictly after the cursor ($2, $3) in the order
 * of key, then id, both descending; where narrows it further. The row
 * comparison walks the (key DESC, id DESC) index from the cursor.
 * Removed, deleted and held posts are never listed.
 */
#define POST_LIST(key, where) \
	POST_SELECT "WHERE " where "(p." key ", p.id) < ($2, $3) " \
	"AND ($4 <> 0 OR p.stickied = 0) " \
	"AND p.removed = 0 AND p.deleted = 0 AND p.held = 0 " \
	"ORDER BY p." key " DESC, p.id DESC LIMIT $5"

/*
 * One page of the mod log: lines with id < $1, newest first, at most $2;
 * $3 (mod_id) and $4 (action) filter when non-zero and non-NULL. The
 * casts give $3 and $4 their types where they first appear.
 */
#define MODLOG_LIST(where) \
	"SELECT m.id, c.name, mu.name, m.action, m.kind, m.target_id, " \
	"tu.name, m.reason, m.created, m.expires " \
	"FROM mod_actions m " \
	"JOIN users mu ON mu.id = m.mod_id " \
	"LEFT JOIN communities c ON c.id = m.community_id " \
	"LEFT JOIN users tu ON tu.id = m.target_user_id " \
	"WHERE " where "m.id < $1 AND ($3::bigint = 0 OR m.mod_id = $3) " \
	"AND ($4::text IS NULL OR m.action = $4) " \
	"ORDER BY m.id DESC LIMIT $2"

static const char *const sql_text[STMT__COUNT] = {
	[STMT_BEGIN] = "BEGIN",
	[STMT_COMMIT] = "COMMIT",
	[STMT_ROLLBACK] = "ROLLBACK",
	[STMT_SAVEPOINT] = "SAVEPOINT store_nested",
	[STMT_RELEASE] = "RELEASE store_nested",
	[STMT_ROLLBACK_TO] = "ROLLBACK TO store_nested",

	[STMT_SCHEMA_LOCK] = "SELECT pg_advisory_xact_lock(7461726)",
	[STMT_SCHEMA_VERSION] =
	    "SELECT coalesce(max(version), 0) FROM schema_version",
	[STMT_SCHEMA_VERSION_ADD] =
	    "INSERT INTO schema_version(version, applied) VALUES ($1, $2)",

	[STMT_SETTING_GET] = "SELECT value FROM settings WHERE key = $1",
	[STMT_SETTING_ADD] =
	    "INSERT INTO settings(key, value) VALUES ($1, $2) "
	    "ON CONFLICT(key) DO NOTHING",
	[STMT_SETTING_SET] =
	    "INSERT INTO settings(key, value) VALUES ($1, $2) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",

	[STMT_USER_INSERT] =
	    "INSERT INTO users(name, name_lc, pass, email, role, created) "
	    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
	[STMT_USER_GET] = "SELECT " USER_COLS " FROM users u WHERE u.id = $1",
	[STMT_USER_BY_NAME] =
	    "SELECT " USER_COLS ", u.pass FROM users u WHERE u.name_lc = $1",
	[STMT_USER_SET_PASSWORD] = "UPDATE users SET pass = $2 WHERE id = $1",
	[STMT_USER_SET_ROLE] = "UPDATE users SET role = $2 WHERE id = $1",
	[STMT_USER_ADD_POINTS] =
	    "UPDATE users SET points = points + $2 WHERE id = $1",
	[STMT_SESSION_INSERT] =
	    "INSERT INTO sessions(key, user_id, created, expires) "
	    "VALUES ($1, $2, $3, $4)",
	[STMT_SESSION_USER] =
	    "SELECT " USER_COLS ", "
	    "CASE WHEN EXISTS (SELECT 1 FROM moderators m WHERE m.user_id = u.id) "
	    "OR EXISTS (SELECT 1 FROM blocks b WHERE b.user_id = u.id) "
	    "THEN 0 ELSE 1 END, "
	    "(SELECT count(*) FROM notifications n "
	    "WHERE n.user_id = u.id AND n.seen = 0) "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.key = $1 AND s.expires > $2 AND u.deleted = 0",
	[STMT_SESSION_DELETE] = "DELETE FROM sessions WHERE key = $1",
	[STMT_SESSION_PURGE] = "DELETE FROM sessions WHERE expires <= $1",

	[STMT_COMMUNITY_INSERT] =
	    "INSERT INTO communities(name, name_lc, title, description, "
	    "description_html, rules, rules_html, creator_id, created) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
	[STMT_COMMUNITY_BY_NAME] =
	    "SELECT " COMMUNITY_COLS " FROM communities c WHERE c.name_lc = $1",
	[STMT_COMMUNITY_LIST_SUBSCRIBERS] =
	    "SELECT " COMMUNITY_COLS " FROM communities c "
	    "ORDER BY c.subscribers DESC, c.name_lc LIMIT $1",
	[STMT_COMMUNITY_LIST_NAME] =
	    "SELECT " COMMUNITY_COLS " FROM communities c "
	    "ORDER BY c.name_lc LIMIT $1",
	[STMT_COMMUNITY_ADD_POST] =
	    "UPDATE communities SET post_count = post_count + 1 WHERE id = $1",
	[STMT_COMMUNITY_MODS] =
	    "SELECT " USER_COLS " FROM moderators m "
	    "JOIN users u ON u.id = m.user_id "
	    "WHERE m.community_id = $1 ORDER BY m.position, m.created",
	/* A SELECT list gives its parameters no type: cast them. */
	[STMT_MODERATOR_ADD] =
	    "INSERT INTO moderators(community_id, user_id, position, created) "
	    "SELECT $1::bigint, $2::bigint, coalesce(max(position) + 1, 0), "
	    "$3::bigint FROM moderators WHERE community_id = $1",
	[STMT_SUBSCRIBE] =
	    "INSERT INTO subscriptions(user_id, community_id, created) "
	    "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
	[STMT_UNSUBSCRIBE] =
	    "DELETE FROM subscriptions WHERE user_id = $1 AND community_id = $2",
	[STMT_SUBSCRIBED] =
	    "SELECT 1 FROM subscriptions WHERE user_id = $1 AND community_id = $2",
	[STMT_COMMUNITY_ADD_SUBSCRIBERS] =
	    "UPDATE communities SET subscribers = subscribers + $2 WHERE id = $1",

	[STMT_POST_INSERT] =
	    "INSERT INTO posts(community_id, author_id, title, url, body, "
	    "body_html, created, hot, locked, stickied, nsfw, held, "
	    "ups, downs, score, controversy, comment_count, last_comment) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
	    "1, 0, 1, 0, 0, $7) RETURNING id",
	[STMT_POST_GET] = POST_SELECT "WHERE p.id = $2",
	[STMT_POST_CURSOR] =
	    "SELECT hot, created, score, last_comment, controversy "
	    "FROM posts WHERE id = $1",
	[STMT_POST_LIST_HOT] = POST_LIST("hot", ""),
	[STMT_POST_LIST_HOT_C] = POST_LIST("hot", "p.community_id = $6 AND "),
	[STMT_POST_LIST_NEW] = POST_LIST("created", ""),
	[STMT_POST_LIST_NEW_C] =
	    POST_LIST("created", "p.community_id = $6 AND "),
	[STMT_POST_LIST_TOP] = POST_LIST("score", "p.created >= $6 AND "),
	[STMT_POST_LIST_TOP_C] =
	    POST_LIST("score", "p.community_id = $6 AND p.created >= $7 AND "),
	[STMT_POST_LIST_ACTIVE] = POST_LIST("last_comment", ""),
	[STMT_POST_LIST_ACTIVE_C] =
	    POST_LIST("last_comment", "p.community_id = $6 AND "),
	[STMT_POST_LIST_CONTROVERSIAL] = POST_LIST("controversy", ""),
	[STMT_POST_LIST_CONTROVERSIAL_C] =
	    POST_LIST("controversy", "p.community_id = $6 AND "),
	[STMT_POST_LIST_AUTHOR] =
	    POST_LIST("created", "p.author_id = $6 AND "),
	[STMT_POST_EDIT] =
	    "UPDATE posts SET title = coalesce($2, title), body = $3, "
	    "body_html = $4, edited = $5 WHERE id = $1",
	[STMT_POST_DELETE] =
	    "UPDATE posts SET deleted = 1, title = '[deleted]', body = NULL, "
	    "body_html = NULL, url = NULL WHERE id = $1",
	/* FOR UPDATE: the vote's new counts derive from these. */
	[STMT_POST_VOTE_TARGET] =
	    "SELECT author_id, ups, downs, created FROM posts WHERE id = $1 "
	    "FOR UPDATE",
	[STMT_POST_SET_VOTES] =
	    "UPDATE posts SET ups = $2, downs = $3, score = $4, hot = $5, "
	    "controversy = $6 WHERE id = $1",
	[STMT_POST_ADD_COMMENT] =
	    "UPDATE posts SET comment_count = comment_count + 1, "
	    "last_comment = greatest(last_comment, $2) WHERE id = $1",

	[STMT_COMMENT_INSERT] =
	    "INSERT INTO comments(post_id, parent_id, author_id, body, "
	    "body_html, created, depth, held, ups, downs, score) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, 0, 1) RETURNING id",
	[STMT_COMMENT_GET] = COMMENT_SELECT "WHERE cm.id = $2",
	[STMT_COMMENT_PARENT] =
	    "SELECT post_id, depth FROM comments WHERE id = $1",
	[STMT_COMMENT_LIST] =
	    COMMENT_SELECT "WHERE cm.post_id = $2 ORDER BY cm.id",
	[STMT_COMMENT_CURSOR] = "SELECT created FROM comments WHERE id = $1",
	[STMT_COMMENT_BY_AUTHOR] =
	    "SELECT " COMMENT_COLS ", 0, cm.held, p.title, c.name "
	    "FROM comments cm "
	    "JOIN users u ON u.id = cm.author_id "
	    "JOIN posts p ON p.id = cm.post_id "
	    "JOIN communities c ON c.id = p.community_id "
	    "WHERE cm.author_id = $1 AND (cm.created, cm.id) < ($2, $3) "
	    "AND cm.removed = 0 AND cm.deleted = 0 AND cm.held = 0 "
	    "ORDER BY cm.created DESC, cm.id DESC LIMIT $4",
	[STMT_COMMENT_EDIT] =
	    "UPDATE comments SET body = $2, body_html = $3, edited = $4 "
	    "WHERE id = $1",
	[STMT_COMMENT_DELETE] =
	    "UPDATE comments SET deleted = 1, body = NULL, body_html = NULL "
	    "WHERE id = $1",
	[STMT_COMMENT_VOTE_TARGET] =
	    "SELECT author_id, ups, downs, created FROM comments WHERE id = $1 "
	    "FOR UPDATE",
	[STMT_COMMENT_SET_VOTES] =
	    "UPDATE comments SET ups = $2, downs = $3, score = $4 WHERE id = $1",

	[STMT_VOTE_GET] =
	    "SELECT dir FROM votes "
	    "WHERE user_id = $1 AND kind = $2 AND target_id = $3",
	[STMT_VOTES_ON] =
	    "SELECT target_id, dir FROM votes "
	    "WHERE user_id = $1 AND kind = $2 AND target_id IN ("
	    "$3, $4, $5, $6, $7, $8, $9, $10, "
	    "$11, $12, $13, $14, $15, $16, $17, $18, "
	    "$19, $20, $21, $22, $23, $24, $25, $26, "
	    "$27, $28, $29, $30, $31, $32, $33, $34)",
	[STMT_COMMENT_VOTES_OF_POST] =
	    "SELECT v.target_id, v.dir FROM comments c "
	    "JOIN votes v ON v.user_id = $1 AND v.kind = $2 "
	    "AND v.target_id = c.id WHERE c.post_id = $3",
	[STMT_VOTE_UPSERT] =
	    "INSERT INTO votes(user_id, kind, target_id, dir, created) "
	    "VALUES ($1, $2, $3, $4, $5) "
	    "ON CONFLICT(user_id, kind, target_id) DO UPDATE SET "
	    "dir = excluded.dir, created = excluded.created",
	[STMT_VOTE_DELETE] =
	    "DELETE FROM votes "
	    "WHERE user_id = $1 AND kind = $2 AND target_id = $3",

	[STMT_PAGE_GET] =
	    "SELECT g.slug, g.title, g.body, g.body_html, u.name, g.updated "
	    "FROM pages g LEFT JOIN users u ON u.id = g.editor_id "
	    "WHERE g.slug = $1",
	[STMT_PAGE_SET] =
	    "INSERT INTO pages(slug, title, body, body_html, editor_id, "
	    "updated) VALUES ($1, $2, $3, $4, $5, $6) "
	    "ON CONFLICT(slug) DO UPDATE SET title = excluded.title, "
	    "body = excluded.body, body_html = excluded.body_html, "
	    "editor_id = excluded.editor_id, updated = excluded.updated",

	/* moderation */
	[STMT_COMMUNITY_BY_ID] =
	    "SELECT " COMMUNITY_COLS " FROM communities c WHERE c.id = $1",
	[STMT_COMMUNITY_EDIT] =
	    "UPDATE communities SET title = coalesce($2, title), "
	    "description = $3, description_html = $4, rules = $5, "
	    "rules_html = $6 WHERE id = $1",
	[STMT_IS_MODERATOR] =
	    "SELECT 1 FROM moderators WHERE community_id = $1 AND user_id = $2",
	[STMT_MODERATOR_REMOVE] =
	    "DELETE FROM moderators WHERE community_id = $1 AND user_id = $2",
	[STMT_POST_STICKIED] =
	    POST_SELECT "WHERE p.community_id = $2 AND p.stickied = 1 "
	    "AND p.removed = 0 AND p.deleted = 0 AND p.held = 0 "
	    "ORDER BY p.created DESC, p.id DESC LIMIT 2",
	[STMT_POST_STICKY_COUNT] =
	    "SELECT count(*) FROM posts "
	    "WHERE community_id = (SELECT community_id FROM posts "
	    "WHERE id = $1) AND stickied = 1 AND id <> $1 "
	    "AND removed = 0 AND deleted = 0 AND held = 0",
	[STMT_POST_SET_STICKIED] =
	    "UPDATE posts SET stickied = $2 WHERE id = $1",
	[STMT_POST_SET_REMOVED] =
	    "UPDATE posts SET removed = $2, removed_reason = $3 WHERE id = $1",
	[STMT_POST_SET_LOCKED] = "UPDATE posts SET locked = $2 WHERE id = $1",
	[STMT_POST_SET_HELD] = "UPDATE posts SET held = $2 WHERE id = $1",
	[STMT_POST_HELD] =
	    POST_SELECT "WHERE p.community_id = $2 AND p.held = 1 "
	    "AND p.removed = 0 AND p.deleted = 0 ORDER BY p.id LIMIT $3",
	[STMT_COMMENT_SET_REMOVED] =
	    "UPDATE comments SET removed = $2, removed_reason = $3 "
	    "WHERE id = $1",
	[STMT_COMMENT_SET_HELD] = "UPDATE comments SET held = $2 WHERE id = $1",
	[STMT_COMMENT_HELD] =
	    "SELECT " COMMENT_COLS ", 0, cm.held, p.title, c.name "
	    "FROM comments cm "
	    "JOIN posts p ON p.id = cm.post_id "
	    "JOIN users u ON u.id = cm.author_id "
	    "JOIN communities c ON c.id = p.community_id "
	    "WHERE cm.held = 1 AND cm.removed = 0 AND cm.deleted = 0 "
	    "AND p.community_id = $1 ORDER BY cm.id LIMIT $2",
	/* A NULL community_id is a site-wide ban: compare with IS NOT
	 * DISTINCT FROM, as SQLite's IS. */
	[STMT_BAN_DELETE] =
	    "DELETE FROM bans WHERE user_id = $1 "
	    "AND community_id IS NOT DISTINCT FROM $2",
	[STMT_BAN_INSERT] =
	    "INSERT INTO bans(community_id, user_id, mod_id, reason, created, "
	    "expires) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
	[STMT_BAN_ACTIVE] =
	    "SELECT coalesce(community_id, 0), reason, expires FROM bans "
	    "WHERE user_id = $1 AND community_id IS NOT DISTINCT FROM $2 "
	    "AND (expires = 0 OR expires > $3) LIMIT 1",
	[STMT_REPORT_INSERT] =
	    "INSERT INTO reports(kind, target_id, community_id, reporter_id, "
	    "reason, created) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
	[STMT_REPORT_QUEUE] =
	    "SELECT id, kind, target_id, reason, created FROM reports "
	    "WHERE community_id = $1 AND resolved = 0 ORDER BY id LIMIT $2",
	[STMT_REPORT_RESOLVE] =
	    "UPDATE reports SET resolved = 1, resolver_id = $3, "
	    "resolved_at = $4 "
	    "WHERE kind = $1 AND target_id = $2 AND resolved = 0",
	[STMT_MODLOG_INSERT] =
	    "INSERT INTO mod_actions(community_id, mod_id, action, kind, "
	    "target_id, target_user_id, reason, created, expires) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
	[STMT_MODLOG_LIST] = MODLOG_LIST(""),
	[STMT_MODLOG_LIST_C] = MODLOG_LIST("m.community_id = $5 AND "),
	[STMT_MODLOG_LIST_MOD] = MODLOG_LIST("m.mod_id = $3 AND "),

	/* users protecting themselves */
	[STMT_BLOCK_INSERT] =
	    "INSERT INTO blocks(user_id, blocked_id, created) "
	    "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
	[STMT_BLOCK_DELETE] =
	    "DELETE FROM blocks WHERE user_id = $1 AND blocked_id = $2",
	[STMT_BLOCKED_IDS] =
	    "SELECT blocked_id FROM blocks WHERE user_id = $1 "
	    "ORDER BY blocked_id",
	[STMT_IS_BLOCKED] =
	    "SELECT 1 FROM blocks WHERE user_id = $1 AND blocked_id = $2",
	[STMT_NOTIFY_INSERT] =
	    "INSERT INTO notifications(user_id, text, link, created) "
	    "VALUES ($1, $2, $3, $4) RETURNING id",
	[STMT_NOTIFICATIONS] =
	    "SELECT id, text, link, created, seen FROM notifications "
	    "WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
	[STMT_NOTIFICATIONS_SEEN] =
	    "UPDATE notifications SET seen = 1 WHERE user_id = $1 AND seen = 0",
	[STMT_SESSION_END_OTHERS] =
	    "DELETE FROM sessions WHERE user_id = $1 AND key <> $2",
	[STMT_USER_DELETE] =
	    "UPDATE users SET deleted = 1, pass = '', email = NULL "
	    "WHERE id = $1",
	[STMT_POST_ERASE_AUTHOR] =
	    "UPDATE posts SET deleted = 1, title = '[deleted]', body = NULL, "
	    "body_html = NULL, url = NULL WHERE author_id = $1",
	[STMT_COMMENT_ERASE_AUTHOR] =
	    "UPDATE comments SET deleted = 1, body = NULL, body_html = NULL "
	    "WHERE author_id = $1",
	[STMT_VOTES_BY_USER] =
	    "SELECT kind, target_id, dir, created FROM votes "
	    "WHERE user_id = $1 AND created < $2 "
	    "ORDER BY created DESC, kind DESC, target_id DESC LIMIT $3",
	[STMT_VOTES_BY_USER_AT] =
	    "SELECT kind, target_id, dir, created FROM votes "
	    "WHERE user_id = $1 AND created = $2 "
	    "ORDER BY created DESC, kind DESC, target_id DESC",

	/* abuse limits */
	[STMT_POST_COUNT_SINCE] =
	    "SELECT count(*) FROM posts WHERE author_id = $1 AND created >= $2",
	[STMT_COMMENT_COUNT_SINCE] =
	    "SELECT count(*) FROM comments "
	    "WHERE author_id = $1 AND created >= $2",
	[STMT_VOTE_COUNT_SINCE] =
	    "SELECT count(*) FROM votes WHERE user_id = $1 AND created >= $2",
	[STMT_RATE_HIT] = "INSERT INTO rate_events(key, at) VALUES ($1, $2)",
	[STMT_RATE_COUNT] =
	    "SELECT count(*) FROM rate_events WHERE key = $1 AND at >= $2",
	[STMT_RATE_PURGE] = "DELETE FROM rate_events WHERE at < $1",

	/* copying a whole database */
	[STMT_TABLES] =
	    "SELECT table_name::text FROM information_schema.tables "
	    "WHERE table_schema = current_schema() "
	    "AND table_type = 'BASE TABLE' ORDER BY 1",
	[STMT_TABLE_COLUMNS] =
	    "SELECT column_name::text FROM information_schema.columns "
	    "WHERE table_schema = current_schema() AND table_name = $1 "
	    "ORDER BY ordinal_position",
	/* A table without a sequence (no serial id) is left alone. */
	[STMT_SEQUENCE_SET] =
	    "SELECT setval(pg_get_serial_sequence($1, 'id'), $2::bigint) "
	    "WHERE pg_get_serial_sequence($1, 'id') IS NOT NULL",
};

/* ---- errors ---------------------------------------------------------- */

/*
 * Maps a SQLSTATE to enum store_rc. Lock and serialization failures, a
 * cancelled statement (lock_timeout), a server shutting down and every
 * connection error are STORE_BUSY: trying again soon may work. A full
 * disk or a read-only server (a replica, or default_transaction_read_only)
 * is STORE_FULL. A broken foreign key means a referenced row does not
 * exist, as on SQLite.
 */
static int
map_state(const char *state)
{
	static const struct { const char *state; int rc; } map[] = {
		{ "23505", STORE_CONFLICT },  /* unique_violation */
		{ "23503", STORE_NOTFOUND },  /* foreign_key_violation */
		{ "40001", STORE_BUSY },      /* serialization_failure */
		{ "40P01", STORE_BUSY },      /* deadlock_detected */
		{ "55P03", STORE_BUSY },      /* lock_not_available */
		{ "57014", STORE_BUSY },      /* query_canceled */
		{ "53300", STORE_BUSY },      /* too_many_connections */
		{ "57P01", STORE_BUSY },      /* admin_shutdown */
		{ "57P02", STORE_BUSY },      /* crash_shutdown */
		{ "57P03", STORE_BUSY },      /* cannot_connect_now */
		{ "53100", STORE_FULL },      /* disk_full */
		{ "25006", STORE_FULL },      /* read_only_sql_transaction */
		{ "58030", STORE_FULL },      /* io_error */
	};

	if (state == NULL)
		return STORE_ERR;
	if (strncmp(state, "08", 2) == 0) /* connection_exception */
		return STORE_BUSY;
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (strcmp(state, map[i].state) == 0)
			return map[i].rc;
	return STORE_ERR;
}

/*
 * Maps a failed result (or none) to enum store_rc and logs what the caller
 * cannot be expected to explain. what names the statement, cut short.
 */
static int
map_result(struct pg_conn *c, const PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
	    NULL;
	const char *msg = res ? PQresultErrorMessage(res) : "";
	int rc = map_state(state);

	if (msg == NULL || *msg == '\0')
		msg = PQerrorMessage(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK)
		rc = STORE_BUSY;
	switch (rc) {
	case STORE_CONFLICT:
	case STORE_NOTFOUND:
		break;
	case STORE_BUSY:
		log_msg(LOG_WARN, "store", "postgres busy: %s%s(%.60s)",
		    state ? state : "", state ? " " : "", msg);
		break;
	default:
		log_msg(LOG_ERR, "store", "postgres: %s %s(%.60s)",
		    state ? state : "-", msg, what);
		break;
	}
	return rc;
}

/* ---- the connection -------------------------------------------------- */

static void
drop_notice(void *arg, const char *message)
{
	(void)arg;
	log_msg(LOG_DEBUG, "store", "postgres: %s", message);
}

/*
 * Sets what every session of ours needs, after connecting or resetting.
 * Generic plans: every statement is prepared for reuse, and each one's
 * plan without its values (checked in test_store_pg.c) walks the same
 * index as with them; planning again on every run would cost more than
 * running (1.3 ms against 0.4 ms for a front page of 10,000 posts).
 */
static int
session_setup(struct pg_conn *c)
{
	static const char setup[] =
		"SET client_encoding = 'UTF8';"
		"SET lock_timeout = '5s';"
		"SET plan_cache_mode = 'force_generic_plan';"
		"SET client_min_messages = 'warning'";
	PGresult *res;
	int rc = STORE_OK;

	PQsetNoticeProcessor(c->pg, drop_notice, NULL);
	memset(c->prepared, 0, sizeof(c->prepared));
	res = PQexec(c->pg, setup);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = map_result(c, res, "session setup");
	PQclear(res);
	return rc;
}

/*
 * Makes sure the connection can take a statement: reconnects a dropped
 * one outside a transaction, refuses with STORE_BUSY inside one.
 */
static int
ready(struct pg_conn *c)
{
	if (c->lost)
		return STORE_BUSY;
	if (PQstatus(c->pg) == CONNECTION_OK)
		return STORE_OK;
	if (c->depth > 0) {
		c->lost = true;
		return STORE_BUSY;
	}
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		log_msg(LOG_WARN, "store", "postgres: reconnect failed: %s",
		    PQerrorMessage(c->pg));
		return STORE_BUSY;
	}
	log_msg(LOG_INFO, "store", "postgres: reconnected");
	return session_setup(c);
}

/* Prepares statement id on this session unless it already is. */
static int
prepare(struct pg_conn *c, enum store_stmt id)
{
	char name[16];
	PGresult *res;
	int rc = STORE_OK;

	if (c->prepared[id])
		return STORE_OK;
	snprintf(name, sizeof(name), "s%d", (int)id);
	res = PQprepare(c->pg, name, sql_text[id], 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = map_result(c, res, sql_text[id]);
		goto out;
	}
	PQclear(res);
	res = PQdescribePrepared(c->pg, name);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = map_result(c, res, sql_text[id]);
		goto out;
	}
	c->nparams[id] = PQnparams(res);
	c->prepared[id] = true;
out:
	PQclear(res);
	return rc;
}

/* ---- values ---------------------------------------------------------- */

/*
 * Where the bound values of one statement are laid out for libpq: on the
 * stack for a prepared statement (MAX_PARAMS), on the heap for a copy's
 * many-row INSERT.
 */
struct params {
	const char **values;
	int *lengths;
	int *formats;
	char (*num)[NUM_LEN];    /* integers and reals as text */
};

static void
bind_all(struct params *b, const struct store_val *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		b->lengths[i] = 0;
		b->formats[i] = 0;
		switch (v[i].type) {
		case STORE_T_NULL:
			b->values[i] = NULL;
			break;
		case STORE_T_INT:
			snprintf(b->num[i], NUM_LEN, "%" PRId64, v[i].i);
			b->values[i] = b->num[i];
			break;
		case STORE_T_REAL:
			/* The spelling every PostgreSQL version reads. */
			if (isinf(v[i].d))
				snprintf(b->num[i], NUM_LEN, "%sInfinity",
				    v[i].d < 0 ? "-" : "");
			else
				snprintf(b->num[i], NUM_LEN, "%.17g", v[i].d);
			b->values[i] = b->num[i];
			break;
		case STORE_T_TEXT:
		case STORE_T_BLOB:
			/* Binary: the bytes as they are, with their length. */
			b->values[i] = v[i].p ? v[i].p : "";
			b->lengths[i] = (int)v[i].len;
			b->formats[i] = 1;
			break;
		}
	}
}

static uint64_t
be_u64(const char *p)
{
	uint64_t u;

	memcpy(&u, p, sizeof(u));
	return be64toh(u);
}

/*
 * Decodes column col of row r (binary format) into v; text points into
 * the result. Returns STORE_OK, or STORE_ERR for a type no statement of
 * ours selects.
 */
static int
read_val(const PGresult *res, int r, int col, struct store_val *v)
{
	const char *p = PQgetvalue(res, r, col);
	int len = PQgetlength(res, r, col);
	uint32_t u32;
	uint16_t u16;
	double d;
	float f;

	*v = (struct store_val){ .type = STORE_T_NULL };
	if (PQgetisnull(res, r, col))
		return STORE_OK;
	switch (PQftype(res, col)) {
	case OID_BOOL:
		v->type = STORE_T_INT;
		v->i = len > 0 && p[0] != 0;
		return STORE_OK;
	case OID_INT2:
		memcpy(&u16, p, sizeof(u16));
		v->type = STORE_T_INT;
		v->i = (int16_t)be16toh(u16);
		return STORE_OK;
	case OID_INT4:
		memcpy(&u32, p, sizeof(u32));
		v->type = STORE_T_INT;
		v->i = (int32_t)be32toh(u32);
		return STORE_OK;
	case OID_INT8:
		v->type = STORE_T_INT;
		v->i = (int64_t)be_u64(p);
		return STORE_OK;
	case OID_FLOAT4:
		memcpy(&u32, p, sizeof(u32));
		u32 = be32toh(u32);
		memcpy(&f, &u32, sizeof(f));
		v->type = STORE_T_REAL;
		v->d = f;
		return STORE_OK;
	case OID_FLOAT8: {
		uint64_t u = be_u64(p);

		memcpy(&d, &u, sizeof(d));
		v->type = STORE_T_REAL;
		v->d = d;
		return STORE_OK;
	}
	case OID_TEXT:
	case OID_VARCHAR:
	case OID_BPCHAR:
	case OID_NAME:
	case OID_UNKNOWN:
		v->type = STORE_T_TEXT;
		v->p = p;
		v->len = (size_t)len;
		return STORE_OK;
	case OID_BYTEA:
		v->type = STORE_T_BLOB;
		v->p = p;
		v->len = (size_t)len;
		return STORE_OK;
	default:
		log_msg(LOG_ERR, "store", "postgres: column %d has type oid %u, "
		    "which the store does not read", col, PQftype(res, col));
		return STORE_ERR;
	}
}

/* ---- running statements ---------------------------------------------- */

/*
 * Hands each row of res to row_cb, or without a callback keeps a
 * returned id for last_id.
 */
static int
deliver(struct pg_conn *c, const PGresult *res, store_row_fn row_cb,
    void *cb_data)
{
	struct store_val row[MAX_COLS];
	int nrows = PQntuples(res), ncols = PQnfields(res), rc;

	if (ncols > MAX_COLS) {
		log_msg(LOG_ERR, "store", "postgres: %d columns", ncols);
		return STORE_ERR;
	}
	if (row_cb == NULL) {
		if (nrows > 0 && ncols > 0 && PQftype(res, 0) == OID_INT8 &&
		    read_val(res, 0, 0, &row[0]) == STORE_OK)
			c->last_id = row[0].i;
		return STORE_OK;
	}
	for (int r = 0; r < nrows; r++) {
		for (int i = 0; i < ncols; i++)
			if ((rc = read_val(res, r, i, &row[i])) != STORE_OK)
				return rc;
		if ((rc = row_cb(cb_data, row, (size_t)ncols)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

/*
 * Reads the result of one statement: counts the rows it touched and hands
 * its rows on. what names the statement for the log.
 */
static int
take(struct pg_conn *c, PGresult *res, const char *what, bool commit,
    store_row_fn row_cb, void *cb_data)
{
	const char *tag;
	int rc;

	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		tag = PQcmdTuples(res);
		c->changes = *tag ? strtoll(tag, NULL, 10) : 0;
		rc = deliver(c, res, row_cb, cb_data);
		/* The server answers the COMMIT of a transaction that an
		 * earlier error aborted with ROLLBACK: never a success. */
		if (commit && strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
			log_msg(LOG_ERR, "store", "postgres: commit of a "
			    "transaction aborted by an earlier error");
			rc = STORE_ERR;
		}
		return rc;
	default:
		return map_result(c, res, what);
	}
}

/*
 * A failure on a connection that is gone becomes STORE_BUSY, and inside a
 * transaction marks the transaction lost. Sets *dead then.
 */
static int
check_dead(struct pg_conn *c, int rc, bool *dead)
{
	*dead = rc != STORE_OK && PQstatus(c->pg) != CONNECTION_OK;
	if (!*dead)
		return rc;
	if (c->depth > 0)
		c->lost = true;
	return STORE_BUSY;
}

/*
 * Runs statement id once. Sets *dead when the connection broke under it
 * (then nothing can be known about what the server did).
 */
static int
run_once(struct pg_conn *c, enum store_stmt id, const struct store_val *v,
    size_t n, store_row_fn row_cb, void *cb_data, bool *dead)
{
	const char *values[MAX_PARAMS];
	int lengths[MAX_PARAMS], formats[MAX_PARAMS];
	char num[MAX_PARAMS][NUM_LEN];
	struct params b = { values, lengths, formats, num };
	PGresult *res;
	char name[16];
	int rc;

	*dead = false;
	if ((rc = ready(c)) != STORE_OK)
		return rc;
	if ((rc = prepare(c, id)) != STORE_OK)
		return check_dead(c, rc, dead);
	if ((size_t)c->nparams[id] != n) {
		log_msg(LOG_ERR, "store", "statement %d wants %d values, got %zu",
		    (int)id, c->nparams[id], n);
		return STORE_ERR;
	}
	bind_all(&b, v, n);
	snprintf(name, sizeof(name), "s%d", (int)id);
	res = PQexecPrepared(c->pg, name, (int)n, b.values, b.lengths,
	    b.formats, 1);
	rc = take(c, res, sql_text[id], id == STMT_COMMIT, row_cb, cb_data);
	PQclear(res);
	return check_dead(c, rc, dead);
}

/*
 * Runs statement id with n bound values, calling row_cb (when not NULL)
 * for each result row; the row's text is valid only during the call.
 * Returns STORE_OK, the callback's first non-OK result, or the mapped
 * error. A statement that met a dropped connection outside a transaction
 * is run once more on a new one when it cannot have changed anything.
 */
static int
pg_exec(void *conn, enum store_stmt id, const struct store_val *params,
    size_t nparams, store_row_fn row_cb, void *cb_data)
{
	struct pg_conn *c = conn;
	bool dead, retry;
	int rc;

	if (nparams > MAX_PARAMS) {
		log_msg(LOG_ERR, "store", "statement %d: %zu values", (int)id,
		    nparams);
		return STORE_ERR;
	}
	retry = c->depth == 0 && (id == STMT_BEGIN ||
	    strncmp(sql_text[id], "SELECT", 6) == 0);
	rc = run_once(c, id, params, nparams, row_cb, cb_data, &dead);
	if (dead && retry)
		rc = run_once(c, id, params, nparams, row_cb, cb_data, &dead);
	return rc;
}

/*
 * Runs SQL text that store_copy.c builds at run time from its list of
 * tables, unprepared: each text runs once per table or per batch of
 * copied rows. Values (up to the protocol's 65,535) and rows as for
 * pg_exec; nothing is retried.
 */
static int
pg_sql(void *conn, const char *sql, const struct store_val *params,
    size_t nparams, store_row_fn row_cb, void *cb_data)
{
	struct pg_conn *c = conn;
	struct params b = { NULL, NULL, NULL, NULL };
	PGresult *res;
	bool dead;
	int rc;

	if (nparams > 65535) {
		log_msg(LOG_ERR, "store", "postgres: %zu values", nparams);
		return STORE_ERR;
	}
	if ((rc = ready(c)) != STORE_OK)
		return rc;
	if (nparams > 0) {
		b.values = xcalloc(nparams, sizeof(*b.values));
		b.lengths = xcalloc(nparams, sizeof(*b.lengths));
		b.formats = xcalloc(nparams, sizeof(*b.formats));
		b.num = xcalloc(nparams, sizeof(*b.num));
		bind_all(&b, params, nparams);
	}
	res = PQexecParams(c->pg, sql, (int)nparams, NULL, b.values, b.lengths,
	    b.formats, 1);
	rc = take(c, res, sql, false, row_cb, cb_data);
	PQclear(res);
	free(b.values);
	free(b.lengths);
	free(b.formats);
	free(b.num);
	return check_dead(c, rc, &dead);
}

/* Runs several ';'-separated statements without parameters (migrations). */
static int
pg_script(void *conn, const char *sql)
{
	struct pg_conn *c = conn;
	PGresult *res;
	int rc;

	if ((rc = ready(c)) != STORE_OK)
		return rc;
	res = PQexec(c->pg, sql);
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		rc = STORE_OK;
		break;
	default:
		rc = map_result(c, res, "script");
		if (rc == STORE_CONFLICT || rc == STORE_NOTFOUND)
			rc = STORE_ERR;
		break;
	}
	if (rc != STORE_OK && PQstatus(c->pg) != CONNECTION_OK &&
	    c->depth > 0)
		c->lost = true;
	PQclear(res);
	return rc;
}

/* ---- transactions ---------------------------------------------------- */

static int
pg_begin(void *conn, bool nested)
{
	struct pg_conn *c = conn;
	int rc = pg_exec(c, nested ? STMT_SAVEPOINT : STMT_BEGIN, NULL, 0,
	    NULL, NULL);

	if (rc == STORE_OK)
		c->depth++;
	return rc;
}

/*
 * Commits the innermost level. On failure the level stays open for the
 * rollback that store_commit sends next.
 */
static int
pg_commit(void *conn, bool nested)
{
	struct pg_conn *c = conn;
	int rc = pg_exec(c, nested ? STMT_RELEASE : STMT_COMMIT, NULL, 0,
	    NULL, NULL);

	if (rc == STORE_OK)
		c->depth--;
	return rc;
}

/*
 * Undoes the innermost level. On a connection that dropped inside the
 * transaction the server has already undone everything: the outermost
 * rollback then just forgets the loss.
 */
static int
pg_rollback(void *conn, bool nested)
{
	struct pg_conn *c = conn;
	int rc;

	if (c->depth > 0)
		c->depth--;
	if (c->lost) {
		if (c->depth == 0)
			c->lost = false;
		return STORE_OK;
	}
	if (!nested)
		return pg_exec(c, STMT_ROLLBACK, NULL, 0, NULL, NULL);
	rc = pg_exec(c, STMT_ROLLBACK_TO, NULL, 0, NULL, NULL);
	if (rc == STORE_OK)
		rc = pg_exec(c, STMT_RELEASE, NULL, 0, NULL, NULL);
	return rc;
}

static int64_t
pg_changes(void *conn)
{
	return ((struct pg_conn *)conn)->changes;
}

static int64_t
pg_last_id(void *conn)
{
	return ((struct pg_conn *)conn)->last_id;
}

/* ---- opening and closing -------------------------------------------- */

/*
 * Connects to the server named by url (a postgres:// or postgresql://
 * URI as libpq reads it). Returns the connection, owned by the caller and
 * released with pg_close, or NULL after logging why (without the URL,
 * which may hold a password).
 */
static void *
pg_open(const char *url)
{
	struct pg_conn *c;

	for (size_t i = 0; i < STMT__COUNT; i++) {
		if (sql_text[i] == NULL) {
			log_msg(LOG_ERR, "store", "postgres: no SQL for "
			    "statement %zu", i);
			return NULL;
		}
	}
	c = xcalloc(1, sizeof(*c));
	c->pg = PQconnectdb(url);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		log_msg(LOG_ERR, "store", "postgres: cannot connect: %s",
		    PQerrorMessage(c->pg));
		goto fail;
	}
	if (session_setup(c) != STORE_OK)
		goto fail;
	return c;
fail:
	PQfinish(c->pg);
	free(c);
	return NULL;
}

static void
pg_close(void *conn)
{
	struct pg_conn *c = conn;

	if (c == NULL)
		return;
	PQfinish(c->pg);
	free(c);
}

const struct store_backend store_pg_backend = {
	.name = "postgres",
	.open = pg_open,
	.close = pg_close,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.exec = pg_exec,
	.sql = pg_sql,
	.script = pg_script,
	.changes = pg_changes,
	.last_id = pg_last_id,
	.migrations = store_pg_migrations,
};

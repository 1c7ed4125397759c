/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_sqlite.c: the SQLite backend of the store, for "sqlite:PATH" URLs.
 *
 * The SQL text of every statement sits in one table indexed by enum
 * store_stmt, in SQLite's ?NNN form; store_pg.c keeps the same table in
 * PostgreSQL's $n form. A statement is prepared the first time a
 * connection runs it and then reused (reset and cleared after each run),
 * so the steady state never parses SQL.
 *
 * A connection is used by one thread at a time (SQLITE_OPEN_NOMUTEX). The
 * database runs in WAL mode so readers never wait for the writer; writers
 * start with BEGIN IMMEDIATE and queue on busy_timeout rather than failing
 * when a read transaction would have to be upgraded.
 *
 * Listings compare row values, (key, id) < (?2, ?3), against indexes on
 * (key DESC, id DESC), so each page is an index walk from the cursor.
 */
#include "store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#define MAX_COLS 40 /* widest result row; checked at run time */

struct sqlite_conn {
	sqlite3 *db;
	sqlite3_stmt *stmt[STMT__COUNT]; /* prepared on first use, or NULL */
	sqlite3_stmt *data_version;      /* PRAGMA data_version, or NULL */
	int64_t seen_version;            /* its value at the last look */
	bool version_seen;               /* seen_version holds a value */
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

/* POST_COL order; ?1 is the viewer. Vote kind 0 is VOTE_POST. */
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
	"LEFT JOIN votes v ON v.user_id = ?1 AND v.kind = 0 " \
	"AND v.target_id = p.id "

/* COMMENT_COL order without the viewer's vote. */
#define COMMENT_COLS \
	"cm.id, cm.post_id, cm.parent_id, cm.author_id, " AUTHOR_NAME \
	", cm.body, " \
	"cm.body_html, cm.created, cm.edited, cm.score, cm.ups, cm.downs, " \
	"cm.depth, cm.removed, cm.deleted, cm.removed_reason"

/* COMMENT_COL order; ?1 is the viewer. Vote kind 1 is VOTE_COMMENT. */
#define COMMENT_SELECT \
	"SELECT " COMMENT_COLS ", coalesce(v.dir, 0), cm.held " \
	"FROM comments cm " \
	"JOIN users u ON u.id = cm.author_id " \
	"LEFT JOIN votes v ON v.user_id = ?1 AND v.kind = 1 " \
	"AND v.target_id = cm.id "

/*
 * One listing: the posts strictly after the cursor (?2, ?3) in the order
 * of key, then id, both descending; where narrows it further. Removed,
 * deleted and held posts are never listed.
 */
#define POST_LIST(key, where) \
	POST_SELECT "WHERE " where "(p." key ", p.id) < (?2, ?3) " \
	"AND (?4 OR p.stickied = 0) " \
	"AND p.removed = 0 AND p.deleted = 0 AND p.held = 0 " \
	"ORDER BY p." key " DESC, p.id DESC LIMIT ?5"

/*
 * One page of the mod log: lines with id < ?1, newest first, at most ?2;
 * ?3 (mod_id) and ?4 (action) filter when non-zero and non-NULL. where
 * picks the index to walk (the primary key, community or moderator).
 */
#define MODLOG_LIST(where) \
	"SELECT m.id, c.name, mu.name, m.action, m.kind, m.target_id, " \
	"tu.name, m.reason, m.created, m.expires " \
	"FROM mod_actions m " \
	"JOIN users mu ON mu.id = m.mod_id " \
	"LEFT JOIN communities c ON c.id = m.community_id " \
	"LEFT JOIN users tu ON tu.id = m.target_user_id " \
	"WHERE " where "m.id < ?1 AND (?3 = 0 OR m.mod_id = ?3) " \
	"AND (?4 IS NULL OR m.action = ?4) " \
	"ORDER BY m.id DESC LIMIT ?2"

static const char *const sql_text[STMT__COUNT] = {
	[STMT_BEGIN] = "BEGIN IMMEDIATE",
	[STMT_COMMIT] = "COMMIT",
	[STMT_ROLLBACK] = "ROLLBACK",
	/* One name serves every level: SQLite and PostgreSQL both resolve
	 * a savepoint name to the innermost one. */
	[STMT_SAVEPOINT] = "SAVEPOINT store_nested",
	[STMT_RELEASE] = "RELEASE store_nested",
	[STMT_ROLLBACK_TO] = "ROLLBACK TO store_nested",

	/* BEGIN IMMEDIATE has already locked out every other writer. */
	[STMT_SCHEMA_LOCK] = "SELECT 1",
	[STMT_SCHEMA_VERSION] =
	    "SELECT coalesce(max(version), 0) FROM schema_version",
	[STMT_SCHEMA_VERSION_ADD] =
	    "INSERT INTO schema_version(version, applied) VALUES (?1, ?2)",

	[STMT_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
	[STMT_SETTING_ADD] =
	    "INSERT INTO settings(key, value) VALUES (?1, ?2) "
	    "ON CONFLICT(key) DO NOTHING",
	[STMT_SETTING_SET] =
	    "INSERT INTO settings(key, value) VALUES (?1, ?2) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",

	[STMT_USER_INSERT] =
	    "INSERT INTO users(name, name_lc, pass, email, role, created) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[STMT_USER_GET] = "SELECT " USER_COLS " FROM users u WHERE u.id = ?1",
	[STMT_USER_BY_NAME] =
	    "SELECT " USER_COLS ", u.pass FROM users u WHERE u.name_lc = ?1",
	[STMT_USER_SET_PASSWORD] = "UPDATE users SET pass = ?2 WHERE id = ?1",
	[STMT_USER_SET_ROLE] = "UPDATE users SET role = ?2 WHERE id = ?1",
	[STMT_USER_ADD_POINTS] =
	    "UPDATE users SET points = points + ?2 WHERE id = ?1",
	[STMT_SESSION_INSERT] =
	    "INSERT INTO sessions(key, user_id, created, expires) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[STMT_SESSION_USER] =
	    "SELECT " USER_COLS ", "
	    "CASE WHEN EXISTS (SELECT 1 FROM moderators m WHERE m.user_id = u.id) "
	    "OR EXISTS (SELECT 1 FROM blocks b WHERE b.user_id = u.id) "
	    "THEN 0 ELSE 1 END, "
	    "(SELECT count(*) FROM notifications n "
	    "WHERE n.user_id = u.id AND n.seen = 0) "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.key = ?1 AND s.expires > ?2 AND u.deleted = 0",
	[STMT_SESSION_DELETE] = "DELETE FROM sessions WHERE key = ?1",
	[STMT_SESSION_PURGE] = "DELETE FROM sessions WHERE expires <= ?1",

	[STMT_COMMUNITY_INSERT] =
	    "INSERT INTO communities(name, name_lc, title, description, "
	    "description_html, rules, rules_html, creator_id, created) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[STMT_COMMUNITY_BY_NAME] =
	    "SELECT " COMMUNITY_COLS " FROM communities c WHERE c.name_lc = ?1",
	[STMT_COMMUNITY_LIST_SUBSCRIBERS] =
	    "SELECT " COMMUNITY_COLS " FROM communities c "
	    "ORDER BY c.subscribers DESC, c.name_lc LIMIT ?1",
	[STMT_COMMUNITY_LIST_NAME] =
	    "SELECT " COMMUNITY_COLS " FROM communities c "
	    "ORDER BY c.name_lc LIMIT ?1",
	[STMT_COMMUNITY_ADD_POST] =
	    "UPDATE communities SET post_count = post_count + 1 WHERE id = ?1",
	[STMT_COMMUNITY_MODS] =
	    "SELECT " USER_COLS " FROM moderators m "
	    "JOIN users u ON u.id = m.user_id "
	    "WHERE m.community_id = ?1 ORDER BY m.position, m.created",
	[STMT_MODERATOR_ADD] =
	    "INSERT INTO moderators(community_id, user_id, position, created) "
	    "SELECT ?1, ?2, coalesce(max(position) + 1, 0), ?3 "
	    "FROM moderators WHERE community_id = ?1",
	[STMT_SUBSCRIBE] =
	    "INSERT INTO subscriptions(user_id, community_id, created) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
	[STMT_UNSUBSCRIBE] =
	    "DELETE FROM subscriptions WHERE user_id = ?1 AND community_id = ?2",
	[STMT_SUBSCRIBED] =
	    "SELECT 1 FROM subscriptions WHERE user_id = ?1 AND community_id = ?2",
	[STMT_COMMUNITY_ADD_SUBSCRIBERS] =
	    "UPDATE communities SET subscribers = subscribers + ?2 WHERE id = ?1",

	[STMT_POST_INSERT] =
	    "INSERT INTO posts(community_id, author_id, title, url, body, "
	    "body_html, created, hot, locked, stickied, nsfw, held, "
	    "ups, downs, score, controversy, comment_count, last_comment) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
	    "1, 0, 1, 0, 0, ?7)",
	[STMT_POST_GET] = POST_SELECT "WHERE p.id = ?2",
	[STMT_POST_CURSOR] =
	    "SELECT hot, created, score, last_comment, controversy "
	    "FROM posts WHERE id = ?1",
	[STMT_POST_LIST_HOT] = POST_LIST("hot", ""),
	[STMT_POST_LIST_HOT_C] = POST_LIST("hot", "p.community_id = ?6 AND "),
	[STMT_POST_LIST_NEW] = POST_LIST("created", ""),
	[STMT_POST_LIST_NEW_C] =
	    POST_LIST("created", "p.community_id = ?6 AND "),
	[STMT_POST_LIST_TOP] = POST_LIST("score", "p.created >= ?6 AND "),
	[STMT_POST_LIST_TOP_C] =
	    POST_LIST("score", "p.community_id = ?6 AND p.created >= ?7 AND "),
	[STMT_POST_LIST_ACTIVE] = POST_LIST("last_comment", ""),
	[STMT_POST_LIST_ACTIVE_C] =
	    POST_LIST("last_comment", "p.community_id = ?6 AND "),
	[STMT_POST_LIST_CONTROVERSIAL] = POST_LIST("controversy", ""),
	[STMT_POST_LIST_CONTROVERSIAL_C] =
	    POST_LIST("controversy", "p.community_id = ?6 AND "),
	[STMT_POST_LIST_AUTHOR] =
	    POST_LIST("created", "p.author_id = ?6 AND "),
	[STMT_POST_EDIT] =
	    "UPDATE posts SET title = coalesce(?2, title), body = ?3, "
	    "body_html = ?4, edited = ?5 WHERE id = ?1",
	[STMT_POST_DELETE] =
	    "UPDATE posts SET deleted = 1, title = '[deleted]', body = NULL, "
	    "body_html = NULL, url = NULL WHERE id = ?1",
	[STMT_POST_VOTE_TARGET] =
	    "SELECT author_id, ups, downs, created FROM posts WHERE id = ?1",
	[STMT_POST_SET_VOTES] =
	    "UPDATE posts SET ups = ?2, downs = ?3, score = ?4, hot = ?5, "
	    "controversy = ?6 WHERE id = ?1",
	[STMT_POST_ADD_COMMENT] =
	    "UPDATE posts SET comment_count = comment_count + 1, "
	    "last_comment = max(last_comment, ?2) WHERE id = ?1",

	[STMT_COMMENT_INSERT] =
	    "INSERT INTO comments(post_id, parent_id, author_id, body, "
	    "body_html, created, depth, held, ups, downs, score) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, 0, 1)",
	[STMT_COMMENT_GET] = COMMENT_SELECT "WHERE cm.id = ?2",
	[STMT_COMMENT_PARENT] =
	    "SELECT post_id, depth FROM comments WHERE id = ?1",
	[STMT_COMMENT_LIST] =
	    COMMENT_SELECT "WHERE cm.post_id = ?2 ORDER BY cm.id",
	[STMT_COMMENT_CURSOR] = "SELECT created FROM comments WHERE id = ?1",
	[STMT_COMMENT_BY_AUTHOR] =
	    "SELECT " COMMENT_COLS ", 0, cm.held, p.title, c.name "
	    "FROM comments cm "
	    "JOIN users u ON u.id = cm.author_id "
	    "JOIN posts p ON p.id = cm.post_id "
	    "JOIN communities c ON c.id = p.community_id "
	    "WHERE cm.author_id = ?1 AND (cm.created, cm.id) < (?2, ?3) "
	    "AND cm.removed = 0 AND cm.deleted = 0 AND cm.held = 0 "
	    "ORDER BY cm.created DESC, cm.id DESC LIMIT ?4",
	[STMT_COMMENT_EDIT] =
	    "UPDATE comments SET body = ?2, body_html = ?3, edited = ?4 "
	    "WHERE id = ?1",
	[STMT_COMMENT_DELETE] =
	    "UPDATE comments SET deleted = 1, body = NULL, body_html = NULL "
	    "WHERE id = ?1",
	[STMT_COMMENT_VOTE_TARGET] =
	    "SELECT author_id, ups, downs, created FROM comments WHERE id = ?1",
	[STMT_COMMENT_SET_VOTES] =
	    "UPDATE comments SET ups = ?2, downs = ?3, score = ?4 WHERE id = ?1",

	[STMT_VOTE_GET] =
	    "SELECT dir FROM votes "
	    "WHERE user_id = ?1 AND kind = ?2 AND target_id = ?3",
	[STMT_VOTES_ON] =
	    "SELECT target_id, dir FROM votes "
	    "WHERE user_id = ?1 AND kind = ?2 AND target_id IN ("
	    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
	    "?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, "
	    "?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34)",
	[STMT_COMMENT_VOTES_OF_POST] =
	    "SELECT v.target_id, v.dir FROM comments c "
	    "JOIN votes v ON v.user_id = ?1 AND v.kind = ?2 "
	    "AND v.target_id = c.id WHERE c.post_id = ?3",
	[STMT_VOTE_UPSERT] =
	    "INSERT INTO votes(user_id, kind, target_id, dir, created) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) "
	    "ON CONFLICT(user_id, kind, target_id) DO UPDATE SET "
	    "dir = excluded.dir, created = excluded.created",
	[STMT_VOTE_DELETE] =
	    "DELETE FROM votes "
	    "WHERE user_id = ?1 AND kind = ?2 AND target_id = ?3",

	[STMT_PAGE_GET] =
	    "SELECT g.slug, g.title, g.body, g.body_html, u.name, g.updated "
	    "FROM pages g LEFT JOIN users u ON u.id = g.editor_id "
	    "WHERE g.slug = ?1",
	[STMT_PAGE_SET] =
	    "INSERT INTO pages(slug, title, body, body_html, editor_id, "
	    "updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	    "ON CONFLICT(slug) DO UPDATE SET title = excluded.title, "
	    "body = excluded.body, body_html = excluded.body_html, "
	    "editor_id = excluded.editor_id, updated = excluded.updated",

	/* moderation */
	[STMT_COMMUNITY_BY_ID] =
	    "SELECT " COMMUNITY_COLS " FROM communities c WHERE c.id = ?1",
	[STMT_COMMUNITY_EDIT] =
	    "UPDATE communities SET title = coalesce(?2, title), "
	    "description = ?3, description_html = ?4, rules = ?5, "
	    "rules_html = ?6 WHERE id = ?1",
	[STMT_IS_MODERATOR] =
	    "SELECT 1 FROM moderators WHERE community_id = ?1 AND user_id = ?2",
	[STMT_MODERATOR_REMOVE] =
	    "DELETE FROM moderators WHERE community_id = ?1 AND user_id = ?2",
	/* stickied = 1 selects the partial index posts_sticky. */
	[STMT_POST_STICKIED] =
	    POST_SELECT "WHERE p.community_id = ?2 AND p.stickied = 1 "
	    "AND p.removed = 0 AND p.deleted = 0 AND p.held = 0 "
	    "ORDER BY p.created DESC, p.id DESC LIMIT 2",
	[STMT_POST_STICKY_COUNT] =
	    "SELECT count(*) FROM posts "
	    "WHERE community_id = (SELECT community_id FROM posts "
	    "WHERE id = ?1) AND stickied = 1 AND id <> ?1 "
	    "AND removed = 0 AND deleted = 0 AND held = 0",
	[STMT_POST_SET_STICKIED] =
	    "UPDATE posts SET stickied = ?2 WHERE id = ?1",
	[STMT_POST_SET_REMOVED] =
	    "UPDATE posts SET removed = ?2, removed_reason = ?3 WHERE id = ?1",
	[STMT_POST_SET_LOCKED] = "UPDATE posts SET locked = ?2 WHERE id = ?1",
	[STMT_POST_SET_HELD] = "UPDATE posts SET held = ?2 WHERE id = ?1",
	[STMT_POST_HELD] =
	    POST_SELECT "WHERE p.community_id = ?2 AND p.held = 1 "
	    "AND p.removed = 0 AND p.deleted = 0 ORDER BY p.id LIMIT ?3",
	[STMT_COMMENT_SET_REMOVED] =
	    "UPDATE comments SET removed = ?2, removed_reason = ?3 "
	    "WHERE id = ?1",
	[STMT_COMMENT_SET_HELD] = "UPDATE comments SET held = ?2 WHERE id = ?1",
	/* Walks the few held comments in id order (partial index
	 * comments_held) and keeps those of the community; CROSS JOIN
	 * makes SQLite keep comments as the outer loop instead of walking
	 * the community's posts and sorting. */
	[STMT_COMMENT_HELD] =
	    "SELECT " COMMENT_COLS ", 0, cm.held, p.title, c.name "
	    "FROM comments cm "
	    "CROSS JOIN posts p ON p.id = cm.post_id "
	    "JOIN users u ON u.id = cm.author_id "
	    "JOIN communities c ON c.id = p.community_id "
	    "WHERE cm.held = 1 AND cm.removed = 0 AND cm.deleted = 0 "
	    "AND p.community_id = ?1 ORDER BY cm.id LIMIT ?2",
	/* IS compares NULL (site-wide) too; PostgreSQL: IS NOT DISTINCT
	 * FROM. user_id leads the index, so both stay index lookups. */
	[STMT_BAN_DELETE] =
	    "DELETE FROM bans WHERE user_id = ?1 AND community_id IS ?2",
	[STMT_BAN_INSERT] =
	    "INSERT INTO bans(community_id, user_id, mod_id, reason, created, "
	    "expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[STMT_BAN_ACTIVE] =
	    "SELECT coalesce(community_id, 0), reason, expires FROM bans "
	    "WHERE user_id = ?1 AND community_id IS ?2 "
	    "AND (expires = 0 OR expires > ?3) LIMIT 1",
	[STMT_REPORT_INSERT] =
	    "INSERT INTO reports(kind, target_id, community_id, reporter_id, "
	    "reason, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[STMT_REPORT_QUEUE] =
	    "SELECT id, kind, target_id, reason, created FROM reports "
	    "WHERE community_id = ?1 AND resolved = 0 ORDER BY id LIMIT ?2",
	[STMT_REPORT_RESOLVE] =
	    "UPDATE reports SET resolved = 1, resolver_id = ?3, "
	    "resolved_at = ?4 "
	    "WHERE kind = ?1 AND target_id = ?2 AND resolved = 0",
	[STMT_MODLOG_INSERT] =
	    "INSERT INTO mod_actions(community_id, mod_id, action, kind, "
	    "target_id, target_user_id, reason, created, expires) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[STMT_MODLOG_LIST] = MODLOG_LIST(""),
	[STMT_MODLOG_LIST_C] = MODLOG_LIST("m.community_id = ?5 AND "),
	[STMT_MODLOG_LIST_MOD] = MODLOG_LIST("m.mod_id = ?3 AND "),

	/* users protecting themselves */
	[STMT_BLOCK_INSERT] =
	    "INSERT INTO blocks(user_id, blocked_id, created) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
	[STMT_BLOCK_DELETE] =
	    "DELETE FROM blocks WHERE user_id = ?1 AND blocked_id = ?2",
	[STMT_BLOCKED_IDS] =
	    "SELECT blocked_id FROM blocks WHERE user_id = ?1 "
	    "ORDER BY blocked_id",
	[STMT_IS_BLOCKED] =
	    "SELECT 1 FROM blocks WHERE user_id = ?1 AND blocked_id = ?2",
	[STMT_NOTIFY_INSERT] =
	    "INSERT INTO notifications(user_id, text, link, created) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[STMT_NOTIFICATIONS] =
	    "SELECT id, text, link, created, seen FROM notifications "
	    "WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2",
	[STMT_NOTIFICATIONS_SEEN] =
	    "UPDATE notifications SET seen = 1 WHERE user_id = ?1 AND seen = 0",
	[STMT_SESSION_END_OTHERS] =
	    "DELETE FROM sessions WHERE user_id = ?1 AND key <> ?2",
	[STMT_USER_DELETE] =
	    "UPDATE users SET deleted = 1, pass = '', email = NULL "
	    "WHERE id = ?1",
	[STMT_POST_ERASE_AUTHOR] =
	    "UPDATE posts SET deleted = 1, title = '[deleted]', body = NULL, "
	    "body_html = NULL, url = NULL WHERE author_id = ?1",
	[STMT_COMMENT_ERASE_AUTHOR] =
	    "UPDATE comments SET deleted = 1, body = NULL, body_html = NULL "
	    "WHERE author_id = ?1",
	/* votes is WITHOUT ROWID: votes_user carries the key (kind,
	 * target_id) after created, so this order is an index walk. */
	[STMT_VOTES_BY_USER] =
	    "SELECT kind, target_id, dir, created FROM votes "
	    "WHERE user_id = ?1 AND created < ?2 "
	    "ORDER BY created DESC, kind DESC, target_id DESC LIMIT ?3",
	/* Without statistics SQLite would rather walk all of the user's
	 * votes by primary key than the one second of votes_user. */
	[STMT_VOTES_BY_USER_AT] =
	    "SELECT kind, target_id, dir, created FROM votes "
	    "INDEXED BY votes_user WHERE user_id = ?1 AND created = ?2 "
	    "ORDER BY created DESC, kind DESC, target_id DESC",

	/* abuse limits */
	[STMT_POST_COUNT_SINCE] =
	    "SELECT count(*) FROM posts WHERE author_id = ?1 AND created >= ?2",
	[STMT_COMMENT_COUNT_SINCE] =
	    "SELECT count(*) FROM comments "
	    "WHERE author_id = ?1 AND created >= ?2",
	[STMT_VOTE_COUNT_SINCE] =
	    "SELECT count(*) FROM votes WHERE user_id = ?1 AND created >= ?2",
	[STMT_RATE_HIT] = "INSERT INTO rate_events(key, at) VALUES (?1, ?2)",
	[STMT_RATE_COUNT] =
	    "SELECT count(*) FROM rate_events WHERE key = ?1 AND at >= ?2",
	[STMT_RATE_PURGE] = "DELETE FROM rate_events WHERE at < ?1",

	/* copying a whole database */
	[STMT_TABLES] =
	    "SELECT name FROM sqlite_schema WHERE type = 'table' "
	    "AND name NOT LIKE 'sqlite_%' ORDER BY name",
	[STMT_TABLE_COLUMNS] =
	    "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
	/* INTEGER PRIMARY KEY already continues after the largest id. */
	[STMT_SEQUENCE_SET] = "SELECT ?1, ?2",
};

/* ---- errors ---------------------------------------------------------- */

/*
 * Maps an SQLite result code (extended codes are on) to enum store_rc and
 * logs what the caller cannot be expected to explain: a busy database, a
 * full or read-only disk, or a plain error. A broken foreign key means a
 * referenced row (community, user, post) does not exist.
 */
static int
map_rc(sqlite3 *db, int rc, const char *what)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		log_msg(LOG_WARN, "store", "sqlite busy: %s (%.60s)",
		    sqlite3_errstr(rc), what);
		return STORE_BUSY;
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
		log_msg(LOG_ERR, "store", "sqlite cannot write: %s: %s (%.60s)",
		    sqlite3_errstr(rc), db ? sqlite3_errmsg(db) : "", what);
		return STORE_FULL;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE ||
		    rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return STORE_CONFLICT;
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			return STORE_NOTFOUND;
		break;
	default:
		break;
	}
	log_msg(LOG_ERR, "store", "sqlite: %s: %s (%.60s)", sqlite3_errstr(rc),
	    db ? sqlite3_errmsg(db) : "", what);
	return STORE_ERR;
}

/* ---- statements ------------------------------------------------------ */

/* Returns the connection's prepared form of id, preparing it once. */
static int
prepare(struct sqlite_conn *c, enum store_stmt id, sqlite3_stmt **out)
{
	int rc;

	if (c->stmt[id] == NULL) {
		rc = sqlite3_prepare_v3(c->db, sql_text[id], -1,
		    SQLITE_PREPARE_PERSISTENT, &c->stmt[id], NULL);
		if (rc != SQLITE_OK) {
			c->stmt[id] = NULL;
			return map_rc(c->db, rc, sql_text[id]);
		}
	}
	*out = c->stmt[id];
	return STORE_OK;
}

static int
bind_one(sqlite3_stmt *st, int i, const struct store_val *v)
{
	switch (v->type) {
	case STORE_T_NULL:
		return sqlite3_bind_null(st, i);
	case STORE_T_INT:
		return sqlite3_bind_int64(st, i, v->i);
	case STORE_T_REAL:
		return sqlite3_bind_double(st, i, v->d);
	case STORE_T_TEXT:
		/* The caller's bytes outlive the run: bindings are cleared
		 * before sqlite_exec returns. */
		return sqlite3_bind_text64(st, i, v->p ? v->p : "", v->len,
		    SQLITE_STATIC, SQLITE_UTF8);
	case STORE_T_BLOB:
		if (v->len == 0)
			return sqlite3_bind_zeroblob(st, i, 0);
		return sqlite3_bind_blob64(st, i, v->p, v->len, SQLITE_STATIC);
	}
	return SQLITE_MISUSE;
}

/* Fills one store_val per column; text points into SQLite's row memory. */
static void
read_row(sqlite3_stmt *st, int ncols, struct store_val *row)
{
	for (int i = 0; i < ncols; i++) {
		struct store_val *v = &row[i];

		*v = (struct store_val){ .type = STORE_T_NULL };
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER:
			v->type = STORE_T_INT;
			v->i = sqlite3_column_int64(st, i);
			break;
		case SQLITE_FLOAT:
			v->type = STORE_T_REAL;
			v->d = sqlite3_column_double(st, i);
			break;
		case SQLITE_TEXT:
			v->type = STORE_T_TEXT;
			v->p = (const char *)sqlite3_column_text(st, i);
			v->len = (size_t)sqlite3_column_bytes(st, i);
			break;
		case SQLITE_BLOB:
			v->type = STORE_T_BLOB;
			v->p = sqlite3_column_blob(st, i);
			v->len = (size_t)sqlite3_column_bytes(st, i);
			break;
		default:
			break;
		}
		if (v->p == NULL)
			v->len = 0;
	}
}

/*
 * Runs statement id with nparams bound values, calling row_cb (when not
 * NULL) for each result row; the row's text is valid only during the
 * call. Returns STORE_OK, the callback's first non-OK result, or the
 * mapped SQLite error. The statement is reset and its bindings cleared
 * before returning, whatever happened.
 */
static int
sqlite_exec(void *conn, enum store_stmt id, const struct store_val *params,
    size_t nparams, store_row_fn row_cb, void *cb_data)
{
	struct sqlite_conn *c = conn;
	struct store_val row[MAX_COLS];
	sqlite3_stmt *st = NULL;
	int rc, src, ncols;

	if ((rc = prepare(c, id, &st)) != STORE_OK)
		return rc;
	if ((size_t)sqlite3_bind_parameter_count(st) != nparams) {
		log_msg(LOG_ERR, "store", "statement %d wants %d values, got %zu",
		    (int)id, sqlite3_bind_parameter_count(st), nparams);
		return STORE_ERR;
	}
	ncols = sqlite3_column_count(st);
	if (ncols > MAX_COLS) {
		log_msg(LOG_ERR, "store", "statement %d has %d columns",
		    (int)id, ncols);
		return STORE_ERR;
	}
	for (size_t i = 0; i < nparams; i++) {
		src = bind_one(st, (int)i + 1, &params[i]);
		if (src != SQLITE_OK) {
			rc = map_rc(c->db, src, sql_text[id]);
			goto out;
		}
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (row_cb == NULL)
			continue;
		read_row(st, ncols, row);
		if ((rc = row_cb(cb_data, row, (size_t)ncols)) != STORE_OK)
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = map_rc(c->db, src, sql_text[id]);
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/*
 * Runs SQL text that store_copy.c builds at run time from its list of
 * tables, prepared for this one run ($n parameters are bound by number,
 * as SQLite numbers them in order of appearance). Values and rows as for
 * sqlite_exec.
 */
static int
sqlite_sql(void *conn, const char *sql, const struct store_val *params,
    size_t nparams, store_row_fn row_cb, void *cb_data)
{
	struct sqlite_conn *c = conn;
	struct store_val row[MAX_COLS];
	sqlite3_stmt *st = NULL;
	int rc = STORE_OK, src, ncols;

	src = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (src != SQLITE_OK)
		return map_rc(c->db, src, sql);
	ncols = sqlite3_column_count(st);
	if ((size_t)sqlite3_bind_parameter_count(st) != nparams ||
	    ncols > MAX_COLS) {
		log_msg(LOG_ERR, "store", "sqlite: %zu values or %d columns do "
		    "not fit: %.60s", nparams, ncols, sql);
		rc = STORE_ERR;
		goto out;
	}
	for (size_t i = 0; i < nparams; i++) {
		src = bind_one(st, (int)i + 1, &params[i]);
		if (src != SQLITE_OK) {
			rc = map_rc(c->db, src, sql);
			goto out;
		}
	}
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		if (row_cb == NULL)
			continue;
		read_row(st, ncols, row);
		if ((rc = row_cb(cb_data, row, (size_t)ncols)) != STORE_OK)
			goto out;
	}
	if (src != SQLITE_DONE)
		rc = map_rc(c->db, src, sql);
out:
	sqlite3_finalize(st);
	return rc;
}

static int
integrity_cb(void *data, int ncols, char **vals, char **names)
{
	(void)names;
	*(bool *)data &= ncols == 1 && vals[0] != NULL &&
	    strcmp(vals[0], "ok") == 0;
	return 0;
}

/* Makes a rename in the directory of path durable. */
static void
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xmalloc((size_t)(slash - path) + 2) : NULL;
	int fd;

	if (dir != NULL) {
		memcpy(dir, path, (size_t)(slash - path) + 1);
		dir[slash - path + 1] = '\0';
	}
	fd = open(dir ? dir : ".", O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/*
 * Copies the open database into path with SQLite's online backup API:
 * into path.part, checked with integrity_check, then renamed over path,
 * so path only ever holds a whole database. One step copies every page
 * under one read transaction: in WAL mode writers go on meanwhile, and
 * the copy is the database as of the step's start.
 */
static int
sqlite_backup(void *conn, const char *path)
{
	struct sqlite_conn *c = conn;
	char *part = sqlite3_mprintf("%s.part", path);
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	bool ok = true;
	int rc = STORE_ERR, src;

	unlink(part);
	src = sqlite3_open_v2(part, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL);
	if (src != SQLITE_OK) {
		rc = map_rc(dst, src, part);
		goto out;
	}
	if ((b = sqlite3_backup_init(dst, "main", c->db, "main")) == NULL) {
		rc = map_rc(dst, sqlite3_errcode(dst), "backup");
		goto out;
	}
	/* Busy only while a checkpoint or schema change holds the lock. */
	for (int tries = 0; tries < 50; tries++) {
		src = sqlite3_backup_step(b, -1);
		if (src != SQLITE_BUSY && src != SQLITE_LOCKED)
			break;
		sqlite3_sleep(100);
	}
	sqlite3_backup_finish(b);
	if (src != SQLITE_DONE) {
		rc = map_rc(dst, src, "backup");
		if (rc == STORE_OK)
			rc = STORE_ERR;
		goto out;
	}
	src = sqlite3_exec(dst, "PRAGMA integrity_check", integrity_cb, &ok,
	    NULL);
	if (src != SQLITE_OK || !ok) {
		log_msg(LOG_ERR, "store", "sqlite backup: the copy fails its "
		    "integrity check");
		goto out;
	}
	if (sqlite3_close(dst) != SQLITE_OK)
		goto out;
	dst = NULL;
	if (rename(part, path) != 0) {
		log_msg(LOG_ERR, "store", "sqlite backup: rename to %s: %s", path,
		    strerror(errno));
		rc = STORE_FULL;
		goto out;
	}
	sync_dir(path);
	rc = STORE_OK;
out:
	sqlite3_close(dst);
	if (rc != STORE_OK)
		unlink(part);
	sqlite3_free(part);
	return rc;
}

/* Runs several ';'-separated statements without parameters (migrations). */
static int
sqlite_script(void *conn, const char *sql)
{
	struct sqlite_conn *c = conn;
	char *err = NULL;
	int rc;

	rc = sqlite3_exec(c->db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		log_msg(LOG_ERR, "store", "sqlite script: %s",
		    err ? err : sqlite3_errstr(rc));
		rc = map_rc(c->db, rc, "script");
		if (rc == STORE_OK)
			rc = STORE_ERR;
	}
	sqlite3_free(err);
	return rc;
}

/* ---- transactions ---------------------------------------------------- */

static int
sqlite_begin(void *conn, bool nested)
{
	return sqlite_exec(conn, nested ? STMT_SAVEPOINT : STMT_BEGIN,
	    NULL, 0, NULL, NULL);
}

static int
sqlite_commit(void *conn, bool nested)
{
	return sqlite_exec(conn, nested ? STMT_RELEASE : STMT_COMMIT,
	    NULL, 0, NULL, NULL);
}

/*
 * Undoes the innermost transaction level. SQLite itself rolls the whole
 * transaction back after some errors (a full disk, an I/O error); then
 * there is nothing left to undo and this succeeds quietly.
 */
static int
sqlite_rollback(void *conn, bool nested)
{
	struct sqlite_conn *c = conn;
	int rc;

	if (sqlite3_get_autocommit(c->db))
		return STORE_OK;
	if (!nested)
		return sqlite_exec(conn, STMT_ROLLBACK, NULL, 0, NULL, NULL);
	rc = sqlite_exec(conn, STMT_ROLLBACK_TO, NULL, 0, NULL, NULL);
	if (rc == STORE_OK)
		rc = sqlite_exec(conn, STMT_RELEASE, NULL, 0, NULL, NULL);
	return rc;
}

static int64_t
sqlite_changes(void *conn)
{
	return sqlite3_changes64(((struct sqlite_conn *)conn)->db);
}

static int64_t
sqlite_last_id(void *conn)
{
	return sqlite3_last_insert_rowid(((struct sqlite_conn *)conn)->db);
}

/* ---- opening and closing -------------------------------------------- */

/* Creates the directory that holds path, one level only, if missing. */
static int
make_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int rc = 0;

	if (slash == NULL || slash == path)
		return 0;
	dir = xmalloc((size_t)(slash - path) + 1);
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		log_msg(LOG_ERR, "store", "mkdir %s: %s", dir, strerror(errno));
		rc = -1;
	}
	free(dir);
	return rc;
}

static const char pragmas[] =
	"PRAGMA busy_timeout = 5000;"
	"PRAGMA journal_mode = WAL;"
	"PRAGMA foreign_keys = ON;"
	"PRAGMA synchronous = NORMAL;"
	"PRAGMA cache_size = -32768;"
	"PRAGMA mmap_size = 268435456;"
	"PRAGMA temp_store = MEMORY;";

/*
 * Opens (creating when missing) the database file at path and its
 * directory. Returns the connection, owned by the caller and released
 * with sqlite_close, or NULL after logging why.
 */
static void *
sqlite_open(const char *path)
{
	struct sqlite_conn *c = NULL;
	sqlite3 *db = NULL;
	char *err = NULL;
	int rc;

	for (size_t i = 0; i < STMT__COUNT; i++) {
		if (sql_text[i] == NULL) {
			log_msg(LOG_ERR, "store", "sqlite: no SQL for statement "
			    "%zu", i);
			return NULL;
		}
	}
	if (*path == '\0') {
		log_msg(LOG_ERR, "store", "sqlite: empty database path");
		return NULL;
	}
	if (make_parent(path) != 0)
		return NULL;
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_msg(LOG_ERR, "store", "sqlite open %s: %s", path,
		    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(db, 1);
	rc = sqlite3_exec(db, pragmas, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		log_msg(LOG_ERR, "store", "sqlite open %s: %s", path,
		    err ? err : sqlite3_errstr(rc));
		goto fail;
	}
	c = xcalloc(1, sizeof(*c));
	c->db = db;
	return c;
fail:
	sqlite3_free(err);
	sqlite3_close(db);
	return NULL;
}

/*
 * For a long load into a large database (parley demo): a page cache of up
 * to BULK_CACHE_KIB instead of 32 MiB. Random inserts into the indexes of
 * a database of gigabytes otherwise read most pages from disk again and
 * again. The memory is only taken as pages are read.
 */
#define BULK_CACHE_KIB (2 * 1024 * 1024)

static int
sqlite_bulk(void *conn)
{
	struct sqlite_conn *c = conn;
	char sql[64];
	int rc;

	snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d", BULK_CACHE_KIB);
	rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? STORE_OK : map_rc(c->db, rc, sql);
}

/*
 * Sets *changed when a connection other than this one (another thread's,
 * or another process such as `parley admin`) committed since the last
 * call; the first call always reports a change. PRAGMA data_version reads
 * the WAL index, so the answer is current without a transaction of ours.
 */
static int
sqlite_changed_elsewhere(void *conn, bool *changed)
{
	struct sqlite_conn *c = conn;
	int64_t v;
	int rc;

	if (c->data_version == NULL) {
		rc = sqlite3_prepare_v3(c->db, "PRAGMA data_version", -1,
		    SQLITE_PREPARE_PERSISTENT, &c->data_version, NULL);
		if (rc != SQLITE_OK) {
			c->data_version = NULL;
			return map_rc(c->db, rc, "PRAGMA data_version");
		}
	}
	rc = sqlite3_step(c->data_version);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(c->data_version);
		return map_rc(c->db, rc, "PRAGMA data_version");
	}
	v = sqlite3_column_int64(c->data_version, 0);
	sqlite3_reset(c->data_version);
	*changed = !c->version_seen || v != c->seen_version;
	c->seen_version = v;
	c->version_seen = true;
	return STORE_OK;
}

/* Finalizes every prepared statement and closes the database. */
static void
sqlite_close(void *conn)
{
	struct sqlite_conn *c = conn;

	if (c == NULL)
		return;
	for (size_t i = 0; i < STMT__COUNT; i++)
		sqlite3_finalize(c->stmt[i]);
	sqlite3_finalize(c->data_version);
	if (sqlite3_close(c->db) != SQLITE_OK)
		log_msg(LOG_ERR, "store", "sqlite close: %s",
		    sqlite3_errmsg(c->db));
	free(c);
}

const struct store_backend store_sqlite_backend = {
	.name = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.exec = sqlite_exec,
	.sql = sqlite_sql,
	.script = sqlite_script,
	.backup = sqlite_backup,
	.changes = sqlite_changes,
	.last_id = sqlite_last_id,
	.bulk = sqlite_bulk,
	.changed_elsewhere = sqlite_changed_elsewhere,
	.migrations = store_sqlite_migrations,
};

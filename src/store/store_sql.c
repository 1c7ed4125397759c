/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_sql.c: the SQL of every statement, one table indexed by enum
 * store_stmt for both backends, and the placeholder rewrite that turns
 * it into PostgreSQL's form.
 *
 * Each row holds the text both databases run, in SQLite's ?N form, and
 * beside it, only where the dialects really differ, PostgreSQL's own
 * text (also in ?N form). store_sqlite.c prepares .sql as it stands;
 * store_pg.c prepares .pg when there is one, else .sql, after
 * store__sql_dollars has written each ?N as $N. So a new statement is
 * written once, and a second time only when PostgreSQL needs other words.
 *
 * The differences, and why:
 *   - an INSERT into a table with a generated id ends with RETURNING id
 *     on PostgreSQL, where last_id has no lastval() of its own to read
 *     (RETURNING_ID below);
 *   - PostgreSQL wants a boolean where SQLite takes the integer ?4
 *     (POST_LIST), and a type for a parameter it cannot infer (casts);
 *   - SQLite's IS, max() of two values, BEGIN IMMEDIATE, CROSS JOIN and
 *     INDEXED BY steer its planner or locking; PostgreSQL says IS NOT
 *     DISTINCT FROM, greatest(), BEGIN, and takes row locks (FOR UPDATE)
 *     or an advisory lock where SQLite's write lock already excludes;
 *   - the catalogue (store_copy.c) is sqlite_schema on one side and
 *     information_schema on the other.
 *
 * Listings compare row values, (key, id) < (?2, ?3), against indexes on
 * (key DESC, id DESC), so each page is an index walk from the cursor on
 * both databases (test_store_sqlite.c and test_store_pg.c check the
 * plans).
 */
#include "store_int.h"

/* ---- shared pieces ---------------------------------------------------- */

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

/* A profile or queue comment: COMMENT_COL, post title, community name. */
#define COMMENT_LINK_SELECT \
	"SELECT " COMMENT_COLS ", 0, cm.held, p.title, c.name " \
	"FROM comments cm "

/* An insert into a table whose id a sequence feeds on PostgreSQL. */
#define RETURNING_ID(sql) { sql, sql " RETURNING id" }

/*
 * A read of the row a write derives its new values from: PostgreSQL
 * locks it, so concurrent votes queue (SQLite's BEGIN IMMEDIATE already
 * excludes every other writer).
 */
#define FOR_UPDATE(sql) { sql, sql " FOR UPDATE" }

/* The held comments of community ?1, oldest first, at most ?2. */
#define COMMENT_HELD_SQL(join_posts) \
	COMMENT_LINK_SELECT \
	join_posts " posts p ON p.id = cm.post_id " \
	"JOIN users u ON u.id = cm.author_id " \
	"JOIN communities c ON c.id = p.community_id " \
	"WHERE cm.held = 1 AND cm.removed = 0 AND cm.deleted = 0 " \
	"AND p.community_id = ?1 ORDER BY cm.id LIMIT ?2"

/*
 * One listing: the posts strictly after the cursor (?2, ?3) in the order
 * of key, then id, both descending; where narrows it further. Removed,
 * deleted and held posts are never listed. ?4 (include stickied) is an
 * integer, which PostgreSQL will not take as a boolean.
 */
#define POST_LIST_SQL(key, where, stickied) \
	POST_SELECT "WHERE " where "(p." key ", p.id) < (?2, ?3) " \
	"AND (" stickied " OR p.stickied = 0) " \
	"AND p.removed = 0 AND p.deleted = 0 AND p.held = 0 " \
	"ORDER BY p." key " DESC, p.id DESC LIMIT ?5"
#define POST_LIST(key, where) { \
	POST_LIST_SQL(key, where, "?4"), \
	POST_LIST_SQL(key, where, "?4 <> 0") }

/*
 * One page of the mod log: lines with id < ?1, newest first, at most ?2;
 * ?3 (mod_id) and ?4 (action) filter when non-zero and non-NULL. where
 * picks the index to walk (the primary key, community or moderator).
 * PostgreSQL needs the casts to type ?3 and ?4 where they first appear.
 */
#define MODLOG_LIST_SQL(where, mod, action) \
	"SELECT m.id, c.name, mu.name, m.action, m.kind, m.target_id, " \
	"tu.name, m.reason, m.created, m.expires " \
	"FROM mod_actions m " \
	"JOIN users mu ON mu.id = m.mod_id " \
	"LEFT JOIN communities c ON c.id = m.community_id " \
	"LEFT JOIN users tu ON tu.id = m.target_user_id " \
	"WHERE " where "m.id < ?1 AND (" mod " = 0 OR m.mod_id = ?3) " \
	"AND (" action " IS NULL OR m.action = ?4) " \
	"ORDER BY m.id DESC LIMIT ?2"
#define MODLOG_LIST(where) { \
	MODLOG_LIST_SQL(where, "?3", "?4"), \
	MODLOG_LIST_SQL(where, "?3::bigint", "?4::text") }

/* ---- the table -------------------------------------------------------- */

const struct store_sql store__sql[STMT__COUNT] = {
	/* SQLite takes the write lock at once, not at the first write. */
	[STMT_BEGIN] = { "BEGIN IMMEDIATE", "BEGIN" },
	[STMT_COMMIT] = { "COMMIT" },
	[STMT_ROLLBACK] = { "ROLLBACK" },
	/* One name serves every level: SQLite and PostgreSQL both resolve
	 * a savepoint name to the innermost one. */
	[STMT_SAVEPOINT] = { "SAVEPOINT store_nested" },
	[STMT_RELEASE] = { "RELEASE store_nested" },
	[STMT_ROLLBACK_TO] = { "ROLLBACK TO store_nested" },

	/* On SQLite BEGIN IMMEDIATE has already locked out every other
	 * writer. */
	[STMT_SCHEMA_LOCK] = { "SELECT 1",
	    "SELECT pg_advisory_xact_lock(7461726)" },
	[STMT_SCHEMA_VERSION] = {
	    "SELECT coalesce(max(version), 0) FROM schema_version" },
	[STMT_SCHEMA_VERSION_ADD] = {
	    "INSERT INTO schema_version(version, applied) VALUES (?1, ?2)" },

	[STMT_SETTING_GET] = { "SELECT value FROM settings WHERE key = ?1" },
	[STMT_SETTING_ADD] = {
	    "INSERT INTO settings(key, value) VALUES (?1, ?2) "
	    "ON CONFLICT(key) DO NOTHING" },
	[STMT_SETTING_SET] = {
	    "INSERT INTO settings(key, value) VALUES (?1, ?2) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value" },

	[STMT_USER_INSERT] = RETURNING_ID(
	    "INSERT INTO users(name, name_lc, pass, email, role, created) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
	[STMT_USER_GET] = {
	    "SELECT " USER_COLS " FROM users u WHERE u.id = ?1" },
	[STMT_USER_BY_NAME] = {
	    "SELECT " USER_COLS ", u.pass FROM users u WHERE u.name_lc = ?1" },
	[STMT_USER_SET_PASSWORD] = {
	    "UPDATE users SET pass = ?2 WHERE id = ?1" },
	[STMT_USER_SET_ROLE] = { "UPDATE users SET role = ?2 WHERE id = ?1" },
	[STMT_USER_ADD_POINTS] = {
	    "UPDATE users SET points = points + ?2 WHERE id = ?1" },
	[STMT_SESSION_INSERT] = {
	    "INSERT INTO sessions(key, user_id, created, expires) "
	    "VALUES (?1, ?2, ?3, ?4)" },
	[STMT_SESSION_USER] = {
	    "SELECT " USER_COLS ", "
	    "CASE WHEN EXISTS (SELECT 1 FROM moderators m WHERE m.user_id = u.id) "
	    "OR EXISTS (SELECT 1 FROM blocks b WHERE b.user_id = u.id) "
	    "THEN 0 ELSE 1 END, "
	    "(SELECT count(*) FROM notifications n "
	    "WHERE n.user_id = u.id AND n.seen = 0) "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.key = ?1 AND s.expires > ?2 AND u.deleted = 0" },
	[STMT_SESSION_DELETE] = { "DELETE FROM sessions WHERE key = ?1" },
	[STMT_SESSION_PURGE] = { "DELETE FROM sessions WHERE expires <= ?1" },

	[STMT_COMMUNITY_INSERT] = RETURNING_ID(
	    "INSERT INTO communities(name, name_lc, title, description, "
	    "description_html, rules, rules_html, creator_id, created) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
	[STMT_COMMUNITY_BY_NAME] = {
	    "SELECT " COMMUNITY_COLS " FROM communities c WHERE c.name_lc = ?1" },
	[STMT_COMMUNITY_LIST_SUBSCRIBERS] = {
	    "SELECT " COMMUNITY_COLS " FROM communities c "
	    "ORDER BY c.subscribers DESC, c.name_lc LIMIT ?1" },
	[STMT_COMMUNITY_LIST_NAME] = {
	    "SELECT " COMMUNITY_COLS " FROM communities c "
	    "ORDER BY c.name_lc LIMIT ?1" },
	[STMT_COMMUNITY_ADD_POST] = {
	    "UPDATE communities SET post_count = post_count + 1 WHERE id = ?1" },
	[STMT_COMMUNITY_MODS] = {
	    "SELECT " USER_COLS " FROM moderators m "
	    "JOIN users u ON u.id = m.user_id "
	    "WHERE m.community_id = ?1 ORDER BY m.position, m.created" },
	/* PostgreSQL gives the parameters of a SELECT list no type. */
	[STMT_MODERATOR_ADD] = {
	    "INSERT INTO moderators(community_id, user_id, position, created) "
	    "SELECT ?1, ?2, coalesce(max(position) + 1, 0), ?3 "
	    "FROM moderators WHERE community_id = ?1",
	    "INSERT INTO moderators(community_id, user_id, position, created) "
	    "SELECT ?1::bigint, ?2::bigint, coalesce(max(position) + 1, 0), "
	    "?3::bigint FROM moderators WHERE community_id = ?1" },
	[STMT_SUBSCRIBE] = {
	    "INSERT INTO subscriptions(user_id, community_id, created) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING" },
	[STMT_UNSUBSCRIBE] = {
	    "DELETE FROM subscriptions WHERE user_id = ?1 AND community_id = ?2" },
	[STMT_SUBSCRIBED] = {
	    "SELECT 1 FROM subscriptions WHERE user_id = ?1 AND community_id = ?2" },
	[STMT_COMMUNITY_ADD_SUBSCRIBERS] = {
	    "UPDATE communities SET subscribers = subscribers + ?2 WHERE id = ?1" },

	[STMT_POST_INSERT] = RETURNING_ID(
	    "INSERT INTO posts(community_id, author_id, title, url, body, "
	    "body_html, created, hot, locked, stickied, nsfw, held, "
	    "ups, downs, score, controversy, comment_count, last_comment) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
	    "1, 0, 1, 0, 0, ?7)"),
	[STMT_POST_GET] = { POST_SELECT "WHERE p.id = ?2" },
	[STMT_POST_CURSOR] = {
	    "SELECT hot, created, score, last_comment, controversy "
	    "FROM posts WHERE id = ?1" },
	[STMT_POST_LIST_HOT] = POST_LIST("hot", ""),
	[STMT_POST_LIST_HOT_C] =
	    POST_LIST("hot", "p.community_id = ?6 AND "),
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
	[STMT_POST_EDIT] = {
	    "UPDATE posts SET title = coalesce(?2, title), body = ?3, "
	    "body_html = ?4, edited = ?5 WHERE id = ?1" },
	[STMT_POST_DELETE] = {
	    "UPDATE posts SET deleted = 1, title = '[deleted]', body = NULL, "
	    "body_html = NULL, url = NULL WHERE id = ?1" },
	[STMT_POST_VOTE_TARGET] = FOR_UPDATE(
	    "SELECT author_id, ups, downs, created FROM posts WHERE id = ?1"),
	[STMT_POST_SET_VOTES] = {
	    "UPDATE posts SET ups = ?2, downs = ?3, score = ?4, hot = ?5, "
	    "controversy = ?6 WHERE id = ?1" },
	[STMT_POST_ADD_COMMENT] = {
	    "UPDATE posts SET comment_count = comment_count + 1, "
	    "last_comment = max(last_comment, ?2) WHERE id = ?1",
	    "UPDATE posts SET comment_count = comment_count + 1, "
	    "last_comment = greatest(last_comment, ?2) WHERE id = ?1" },

	[STMT_COMMENT_INSERT] = RETURNING_ID(
	    "INSERT INTO comments(post_id, parent_id, author_id, body, "
	    "body_html, created, depth, held, ups, downs, score) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, 0, 1)"),
	[STMT_COMMENT_GET] = { COMMENT_SELECT "WHERE cm.id = ?2" },
	[STMT_COMMENT_PARENT] = {
	    "SELECT post_id, depth FROM comments WHERE id = ?1" },
	[STMT_COMMENT_LIST] = {
	    COMMENT_SELECT "WHERE cm.post_id = ?2 ORDER BY cm.id" },
	[STMT_COMMENT_CURSOR] = {
	    "SELECT created FROM comments WHERE id = ?1" },
	[STMT_COMMENT_BY_AUTHOR] = {
	    COMMENT_LINK_SELECT
	    "JOIN users u ON u.id = cm.author_id "
	    "JOIN posts p ON p.id = cm.post_id "
	    "JOIN communities c ON c.id = p.community_id "
	    "WHERE cm.author_id = ?1 AND (cm.created, cm.id) < (?2, ?3) "
	    "AND cm.removed = 0 AND cm.deleted = 0 AND cm.held = 0 "
	    "ORDER BY cm.created DESC, cm.id DESC LIMIT ?4" },
	[STMT_COMMENT_EDIT] = {
	    "UPDATE comments SET body = ?2, body_html = ?3, edited = ?4 "
	    "WHERE id = ?1" },
	[STMT_COMMENT_DELETE] = {
	    "UPDATE comments SET deleted = 1, body = NULL, body_html = NULL "
	    "WHERE id = ?1" },
	[STMT_COMMENT_VOTE_TARGET] = FOR_UPDATE(
	    "SELECT author_id, ups, downs, created FROM comments "
	    "WHERE id = ?1"),
	[STMT_COMMENT_SET_VOTES] = {
	    "UPDATE comments SET ups = ?2, downs = ?3, score = ?4 WHERE id = ?1" },

	[STMT_VOTE_GET] = {
	    "SELECT dir FROM votes "
	    "WHERE user_id = ?1 AND kind = ?2 AND target_id = ?3" },
	[STMT_VOTES_ON] = {
	    "SELECT target_id, dir FROM votes "
	    "WHERE user_id = ?1 AND kind = ?2 AND target_id IN ("
	    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
	    "?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, "
	    "?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34)" },
	[STMT_COMMENT_VOTES_OF_POST] = {
	    "SELECT v.target_id, v.dir FROM comments c "
	    "JOIN votes v ON v.user_id = ?1 AND v.kind = ?2 "
	    "AND v.target_id = c.id WHERE c.post_id = ?3" },
	[STMT_VOTE_UPSERT] = {
	    "INSERT INTO votes(user_id, kind, target_id, dir, created) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) "
	    "ON CONFLICT(user_id, kind, target_id) DO UPDATE SET "
	    "dir = excluded.dir, created = excluded.created" },
	[STMT_VOTE_DELETE] = {
	    "DELETE FROM votes "
	    "WHERE user_id = ?1 AND kind = ?2 AND target_id = ?3" },

	[STMT_PAGE_GET] = {
	    "SELECT g.slug, g.title, g.body, g.body_html, u.name, g.updated "
	    "FROM pages g LEFT JOIN users u ON u.id = g.editor_id "
	    "WHERE g.slug = ?1" },
	[STMT_PAGE_SET] = {
	    "INSERT INTO pages(slug, title, body, body_html, editor_id, "
	    "updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	    "ON CONFLICT(slug) DO UPDATE SET title = excluded.title, "
	    "body = excluded.body, body_html = excluded.body_html, "
	    "editor_id = excluded.editor_id, updated = excluded.updated" },

	/* moderation */
	[STMT_COMMUNITY_BY_ID] = {
	    "SELECT " COMMUNITY_COLS " FROM communities c WHERE c.id = ?1" },
	[STMT_COMMUNITY_EDIT] = {
	    "UPDATE communities SET title = coalesce(?2, title), "
	    "description = ?3, description_html = ?4, rules = ?5, "
	    "rules_html = ?6 WHERE id = ?1" },
	[STMT_IS_MODERATOR] = {
	    "SELECT 1 FROM moderators WHERE community_id = ?1 AND user_id = ?2" },
	[STMT_MODERATOR_REMOVE] = {
	    "DELETE FROM moderators WHERE community_id = ?1 AND user_id = ?2" },
	/* stickied = 1 selects the partial index posts_sticky. */
	[STMT_POST_STICKIED] = {
	    POST_SELECT "WHERE p.community_id = ?2 AND p.stickied = 1 "
	    "AND p.removed = 0 AND p.deleted = 0 AND p.held = 0 "
	    "ORDER BY p.created DESC, p.id DESC LIMIT 2" },
	[STMT_POST_STICKY_COUNT] = {
	    "SELECT count(*) FROM posts "
	    "WHERE community_id = (SELECT community_id FROM posts "
	    "WHERE id = ?1) AND stickied = 1 AND id <> ?1 "
	    "AND removed = 0 AND deleted = 0 AND held = 0" },
	[STMT_POST_SET_STICKIED] = {
	    "UPDATE posts SET stickied = ?2 WHERE id = ?1" },
	[STMT_POST_SET_REMOVED] = {
	    "UPDATE posts SET removed = ?2, removed_reason = ?3 WHERE id = ?1" },
	[STMT_POST_SET_LOCKED] = {
	    "UPDATE posts SET locked = ?2 WHERE id = ?1" },
	[STMT_POST_SET_HELD] = { "UPDATE posts SET held = ?2 WHERE id = ?1" },
	[STMT_POST_HELD] = {
	    POST_SELECT "WHERE p.community_id = ?2 AND p.held = 1 "
	    "AND p.removed = 0 AND p.deleted = 0 ORDER BY p.id LIMIT ?3" },
	[STMT_COMMENT_SET_REMOVED] = {
	    "UPDATE comments SET removed = ?2, removed_reason = ?3 "
	    "WHERE id = ?1" },
	[STMT_COMMENT_SET_HELD] = {
	    "UPDATE comments SET held = ?2 WHERE id = ?1" },
	/* Walks the few held comments in id order (partial index
	 * comments_held) and keeps those of the community; CROSS JOIN
	 * makes SQLite keep comments as the outer loop instead of walking
	 * the community's posts and sorting. */
	[STMT_COMMENT_HELD] = {
	    COMMENT_HELD_SQL("CROSS JOIN"), COMMENT_HELD_SQL("JOIN") },
	/* IS compares NULL (site-wide) too; PostgreSQL: IS NOT DISTINCT
	 * FROM. user_id leads the index, so both stay index lookups. */
	[STMT_BAN_DELETE] = {
	    "DELETE FROM bans WHERE user_id = ?1 AND community_id IS ?2",
	    "DELETE FROM bans WHERE user_id = ?1 "
	    "AND community_id IS NOT DISTINCT FROM ?2" },
	[STMT_BAN_INSERT] = RETURNING_ID(
	    "INSERT INTO bans(community_id, user_id, mod_id, reason, created, "
	    "expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
	[STMT_BAN_ACTIVE] = {
	    "SELECT coalesce(community_id, 0), reason, expires FROM bans "
	    "WHERE user_id = ?1 AND community_id IS ?2 "
	    "AND (expires = 0 OR expires > ?3) LIMIT 1",
	    "SELECT coalesce(community_id, 0), reason, expires FROM bans "
	    "WHERE user_id = ?1 AND community_id IS NOT DISTINCT FROM ?2 "
	    "AND (expires = 0 OR expires > ?3) LIMIT 1" },
	[STMT_REPORT_INSERT] = RETURNING_ID(
	    "INSERT INTO reports(kind, target_id, community_id, reporter_id, "
	    "reason, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
	[STMT_REPORT_QUEUE] = {
	    "SELECT id, kind, target_id, reason, created FROM reports "
	    "WHERE community_id = ?1 AND resolved = 0 ORDER BY id LIMIT ?2" },
	[STMT_REPORT_RESOLVE] = {
	    "UPDATE reports SET resolved = 1, resolver_id = ?3, "
	    "resolved_at = ?4 "
	    "WHERE kind = ?1 AND target_id = ?2 AND resolved = 0" },
	[STMT_MODLOG_INSERT] = RETURNING_ID(
	    "INSERT INTO mod_actions(community_id, mod_id, action, kind, "
	    "target_id, target_user_id, reason, created, expires) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
	[STMT_MODLOG_LIST] = MODLOG_LIST(""),
	[STMT_MODLOG_LIST_C] = MODLOG_LIST("m.community_id = ?5 AND "),
	[STMT_MODLOG_LIST_MOD] = MODLOG_LIST("m.mod_id = ?3 AND "),

	/* users protecting themselves */
	[STMT_BLOCK_INSERT] = {
	    "INSERT INTO blocks(user_id, blocked_id, created) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING" },
	[STMT_BLOCK_DELETE] = {
	    "DELETE FROM blocks WHERE user_id = ?1 AND blocked_id = ?2" },
	[STMT_BLOCKED_IDS] = {
	    "SELECT blocked_id FROM blocks WHERE user_id = ?1 "
	    "ORDER BY blocked_id" },
	[STMT_IS_BLOCKED] = {
	    "SELECT 1 FROM blocks WHERE user_id = ?1 AND blocked_id = ?2" },
	[STMT_NOTIFY_INSERT] = RETURNING_ID(
	    "INSERT INTO notifications(user_id, text, link, created) "
	    "VALUES (?1, ?2, ?3, ?4)"),
	[STMT_NOTIFICATIONS] = {
	    "SELECT id, text, link, created, seen FROM notifications "
	    "WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2" },
	[STMT_NOTIFICATIONS_SEEN] = {
	    "UPDATE notifications SET seen = 1 WHERE user_id = ?1 AND seen = 0" },
	[STMT_SESSION_END_OTHERS] = {
	    "DELETE FROM sessions WHERE user_id = ?1 AND key <> ?2" },
	[STMT_USER_DELETE] = {
	    "UPDATE users SET deleted = 1, pass = '', email = NULL "
	    "WHERE id = ?1" },
	[STMT_POST_ERASE_AUTHOR] = {
	    "UPDATE posts SET deleted = 1, title = '[deleted]', body = NULL, "
	    "body_html = NULL, url = NULL WHERE author_id = ?1" },
	[STMT_COMMENT_ERASE_AUTHOR] = {
	    "UPDATE comments SET deleted = 1, body = NULL, body_html = NULL "
	    "WHERE author_id = ?1" },
	/* votes is WITHOUT ROWID: votes_user carries the key (kind,
	 * target_id) after created, so this order is an index walk. */
	[STMT_VOTES_BY_USER] = {
	    "SELECT kind, target_id, dir, created FROM votes "
	    "WHERE user_id = ?1 AND created < ?2 "
	    "ORDER BY created DESC, kind DESC, target_id DESC LIMIT ?3" },
	/* Without statistics SQLite would rather walk all of the user's
	 * votes by primary key than the one second of votes_user. */
	[STMT_VOTES_BY_USER_AT] = {
	    "SELECT kind, target_id, dir, created FROM votes "
	    "INDEXED BY votes_user WHERE user_id = ?1 AND created = ?2 "
	    "ORDER BY created DESC, kind DESC, target_id DESC",
	    "SELECT kind, target_id, dir, created FROM votes "
	    "WHERE user_id = ?1 AND created = ?2 "
	    "ORDER BY created DESC, kind DESC, target_id DESC" },

	/* abuse limits */
	[STMT_POST_COUNT_SINCE] = {
	    "SELECT count(*) FROM posts WHERE author_id = ?1 AND created >= ?2" },
	[STMT_COMMENT_COUNT_SINCE] = {
	    "SELECT count(*) FROM comments "
	    "WHERE author_id = ?1 AND created >= ?2" },
	[STMT_VOTE_COUNT_SINCE] = {
	    "SELECT count(*) FROM votes WHERE user_id = ?1 AND created >= ?2" },
	[STMT_RATE_HIT] = {
	    "INSERT INTO rate_events(key, at) VALUES (?1, ?2)" },
	[STMT_RATE_COUNT] = {
	    "SELECT count(*) FROM rate_events WHERE key = ?1 AND at >= ?2" },
	[STMT_RATE_PURGE] = { "DELETE FROM rate_events WHERE at < ?1" },

	/* copying a whole database */
	[STMT_TABLES] = {
	    "SELECT name FROM sqlite_schema WHERE type = 'table' "
	    "AND name NOT LIKE 'sqlite_%' ORDER BY name",
	    "SELECT table_name::text FROM information_schema.tables "
	    "WHERE table_schema = current_schema() "
	    "AND table_type = 'BASE TABLE' ORDER BY 1" },
	[STMT_TABLE_COLUMNS] = {
	    "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
	    "SELECT column_name::text FROM information_schema.columns "
	    "WHERE table_schema = current_schema() AND table_name = ?1 "
	    "ORDER BY ordinal_position" },
	/* SQLite's INTEGER PRIMARY KEY already continues after the largest
	 * id. On PostgreSQL a table without a sequence (no serial id) is
	 * left alone. */
	[STMT_SEQUENCE_SET] = { "SELECT ?1, ?2",
	    "SELECT setval(pg_get_serial_sequence(?1, 'id'), ?2::bigint) "
	    "WHERE pg_get_serial_sequence(?1, 'id') IS NOT NULL" },

	/* api tokens */
	[STMT_TOKEN_INSERT] = RETURNING_ID(
	    "INSERT INTO api_tokens(user_id, name, key, scopes, created) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)"),
	[STMT_TOKEN_USER] = {
	    "SELECT " USER_COLS ", "
	    "CASE WHEN EXISTS (SELECT 1 FROM moderators m WHERE m.user_id = u.id) "
	    "OR EXISTS (SELECT 1 FROM blocks b WHERE b.user_id = u.id) "
	    "THEN 0 ELSE 1 END, "
	    "(SELECT count(*) FROM notifications n "
	    "WHERE n.user_id = u.id AND n.seen = 0), t.id, t.scopes "
	    "FROM api_tokens t JOIN users u ON u.id = t.user_id "
	    "WHERE t.key = ?1 AND u.deleted = 0" },
	[STMT_TOKEN_TOUCH] = {
	    "UPDATE api_tokens SET last_used = ?2 WHERE id = ?1 "
	    "AND (last_used IS NULL OR last_used < ?2 - 60)" },
	[STMT_TOKEN_LIST] = {
	    "SELECT id, name, scopes, created, last_used FROM api_tokens "
	    "WHERE user_id = ?1 ORDER BY id DESC" },
	[STMT_TOKEN_DELETE] = {
	    "DELETE FROM api_tokens WHERE id = ?1 AND user_id = ?2" },

	/* two-factor sign-in */
	[STMT_TOTP_GET] = {
	    "SELECT totp_secret, totp_pending, totp_last_step FROM users "
	    "WHERE id = ?1" },
	[STMT_TOTP_SET_PENDING] = {
	    "UPDATE users SET totp_pending = ?2 WHERE id = ?1" },
	[STMT_TOTP_CONFIRM] = {
	    "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, "
	    "totp_last_step = ?2 WHERE id = ?1 AND totp_pending IS NOT NULL" },
	[STMT_TOTP_STEP] = {
	    "UPDATE users SET totp_last_step = ?2 "
	    "WHERE id = ?1 AND totp_last_step < ?2" },
	[STMT_TOTP_DISABLE] = {
	    "UPDATE users SET totp_secret = NULL, totp_pending = NULL "
	    "WHERE id = ?1" },
	[STMT_RECOVERY_CLEAR] = {
	    "DELETE FROM recovery_codes WHERE user_id = ?1" },
	[STMT_RECOVERY_ADD] = {
	    "INSERT INTO recovery_codes(user_id, key) VALUES (?1, ?2)" },
	[STMT_RECOVERY_USE] = {
	    "DELETE FROM recovery_codes WHERE user_id = ?1 AND key = ?2" },

	/* a member's sessions */
	[STMT_SESSION_SET_INFO] = {
	    "UPDATE sessions SET address = ?2, agent = ?3 WHERE key = ?1" },
	[STMT_SESSION_TOUCH] = {
	    "UPDATE sessions SET last_seen = ?2 WHERE key = ?1 "
	    "AND (last_seen IS NULL OR last_seen < ?2 - 60)" },
	[STMT_SESSIONS_LIST] = {
	    "SELECT key, created, last_seen, address, agent FROM sessions "
	    "WHERE user_id = ?1 AND expires > ?2 ORDER BY created DESC" },
	[STMT_SESSION_END_USER] = {
	    "DELETE FROM sessions WHERE user_id = ?1 AND key = ?2" },

	/* invitations */
	[STMT_INVITE_INSERT] = RETURNING_ID(
	    "INSERT INTO invites(key, creator_id, uses_left, expires, created) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)"),
	[STMT_INVITE_USE] = {
	    "UPDATE invites SET uses_left = uses_left - 1 WHERE key = ?1 "
	    "AND uses_left > 0 AND (expires = 0 OR expires > ?2)" },
	[STMT_INVITE_CREATOR] = {
	    "SELECT creator_id FROM invites WHERE key = ?1" },
	[STMT_USER_SET_INVITED_BY] = {
	    "UPDATE users SET invited_by = ?2 WHERE id = ?1" },
};

/* ---- PostgreSQL's placeholders ----------------------------------------- */

/*
 * Copies sql into out, which has room for strlen(sql) + 1 bytes, with
 * every ?N placeholder written $N: the same length, so the copy always
 * fits. A ? inside a string literal ('...', a doubled '' included) or a
 * quoted identifier ("...") is text, not a placeholder, and stays; so
 * does a ? not followed by a digit. The table has no comments, E'...'
 * strings or dollar quoting, whose rules this does not know.
 */
void
store__sql_dollars(const char *sql, char *out)
{
	char quote = 0;          /* the quote we are inside, or 0 */

	for (; *sql != '\0'; sql++, out++) {
		*out = *sql;
		if (quote != 0) {
			if (*sql == quote)
				quote = 0;
		} else if (*sql == '\'' || *sql == '"') {
			quote = *sql;
		} else if (*sql == '?' && sql[1] >= '0' && sql[1] <= '9') {
			*out = '$';
		}
	}
	*out = '\0';
}

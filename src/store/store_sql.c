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

/* What templates a signed-in user (users alias u) may be served (struct
 * viewer): 0 blocks, saved or hid something; 2 moderates a community;
 * 1 neither. */
#define VIEWER_CLASS \
	"CASE WHEN EXISTS (SELECT 1 FROM blocks b WHERE b.user_id = u.id) " \
	"OR EXISTS (SELECT 1 FROM saves sv WHERE sv.user_id = u.id) " \
	"OR EXISTS (SELECT 1 FROM hides hd WHERE hd.user_id = u.id) THEN 0 " \
	"WHEN EXISTS (SELECT 1 FROM moderators m WHERE m.user_id = u.id) " \
	"THEN 2 ELSE 1 END"

#define COMMUNITY_COLS \
	"c.id, c.name, c.title, c.description, c.description_html, " \
	"c.rules, c.rules_html, c.creator_id, c.created, c.subscribers, " \
	"c.post_count"

/* An author's name (users alias a), or NULL once the account is deleted:
 * the name is gone from every view, and the app decides what stands in
 * its place (app_author_shown). */
#define AUTHOR_NAME_OF(a) \
	"CASE WHEN " a ".deleted <> 0 THEN NULL ELSE " a ".name END"
#define AUTHOR_NAME AUTHOR_NAME_OF("u")

/* A post is NSFW when marked so or when its community is (richer posts). */
#define NSFW_COL "CASE WHEN p.nsfw <> 0 OR c.nsfw <> 0 THEN 1 ELSE 0 END"

/*
 * POST_COL order; ?1 is the viewer. Vote kind 0 is VOTE_POST. The
 * score shown is ups - downs: p.score is a rank key, which lags votes by
 * up to a second on SQLite (schema v15). The viewer's saved and hidden
 * marks, and whether the post has a poll, are index probes inside the
 * one query (saves_item, hides primary key, polls primary key), never a
 * query per row.
 */
#define POST_COLS \
	"p.id, p.community_id, c.name, p.author_id, " AUTHOR_NAME \
	", p.title, " \
	"p.url, p.body, p.body_html, p.created, p.edited, " \
	"p.ups - p.downs, p.ups, p.downs, p.comment_count, p.last_comment, " \
	"p.locked, p.stickied, " \
	NSFW_COL ", p.removed, p.deleted, p.removed_reason, " \
	"coalesce(v.dir, 0), p.held, " \
	"EXISTS (SELECT 1 FROM saves sv WHERE sv.user_id = ?1 " \
	"AND sv.kind = 0 AND sv.target_id = p.id), " \
	"EXISTS (SELECT 1 FROM hides hd WHERE hd.user_id = ?1 " \
	"AND hd.post_id = p.id), " \
	"p.spoiler, p.flair, uf.text, fl.colour, " \
	"EXISTS (SELECT 1 FROM polls pl WHERE pl.post_id = p.id), p.image"
/* The joins POST_COLS reads from, after "FROM posts p". */
#define POST_JOINS \
	"JOIN communities c ON c.id = p.community_id " \
	"JOIN users u ON u.id = p.author_id " \
	"LEFT JOIN votes v ON v.user_id = ?1 AND v.kind = 0 " \
	"AND v.target_id = p.id " \
	"LEFT JOIN user_flairs uf ON uf.community_id = p.community_id " \
	"AND uf.user_id = p.author_id " \
	"LEFT JOIN flairs fl ON fl.community_id = p.community_id " \
	"AND fl.text = p.flair "
#define POST_SELECT "SELECT " POST_COLS " FROM posts p " POST_JOINS

/* COMMENT_COL order without the viewer's vote; a is the author's alias. */
#define COMMENT_COLS_OF(a) \
	"cm.id, cm.post_id, cm.parent_id, cm.author_id, " AUTHOR_NAME_OF(a) \
	", cm.body, " \
	"cm.body_html, cm.created, cm.edited, cm.score, cm.ups, cm.downs, " \
	"cm.depth, cm.removed, cm.deleted, cm.removed_reason"
#define COMMENT_COLS COMMENT_COLS_OF("u")

/* The viewer ?1 saved comment cm: 1 or 0. */
#define COMMENT_SAVED \
	"EXISTS (SELECT 1 FROM saves sv WHERE sv.user_id = ?1 " \
	"AND sv.kind = 1 AND sv.target_id = cm.id)"

/* The comment author's flair in the post's community (richer posts). */
#define COMMENT_AUTHOR_FLAIR \
	"(SELECT uf.text FROM posts fp JOIN user_flairs uf " \
	"ON uf.community_id = fp.community_id AND uf.user_id = cm.author_id " \
	"WHERE fp.id = cm.post_id)"

/* COMMENT_COL order; ?1 is the viewer. Vote kind 1 is VOTE_COMMENT. */
#define COMMENT_SELECT \
	"SELECT " COMMENT_COLS ", coalesce(v.dir, 0), cm.held, " \
	COMMENT_SAVED ", " COMMENT_AUTHOR_FLAIR " " \
	"FROM comments cm " \
	"JOIN users u ON u.id = cm.author_id " \
	"LEFT JOIN votes v ON v.user_id = ?1 AND v.kind = 1 " \
	"AND v.target_id = cm.id "

/* A profile or queue comment: COMMENT_COL, post title, community name,
 * then the post's deleted, removed, held and NSFW flags, which decide
 * what stands for its title. */
#define COMMENT_LINK_SELECT \
	"SELECT " COMMENT_COLS ", 0, cm.held, 0, " COMMENT_AUTHOR_FLAIR \
	", p.title, c.name, p.deleted, p.removed, p.held, " NSFW_COL " " \
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
 * of key, then id, both descending; where narrows it further; select
 * says which columns (POST_SELECT for whole rows). Removed,
 * deleted and held posts are never listed, nor those viewer ?1 hid. ?4 (include stickied) is an
 * integer, which PostgreSQL will not take as a boolean.
 */
#define POST_WALK_SQL(select, key, where, stickied) \
	select "WHERE " where "(p." key ", p.id) < (?2, ?3) " \
	"AND (" stickied " OR p.stickied = 0) " \
	"AND p.removed = 0 AND p.deleted = 0 AND p.held = 0 " \
	"AND NOT EXISTS (SELECT 1 FROM hides hx WHERE hx.user_id = ?1 " \
	"AND hx.post_id = p.id) " \
	"ORDER BY p." key " DESC, p.id DESC LIMIT ?5"
#define POST_LIST_SQL(key, where, stickied) \
	POST_WALK_SQL(POST_SELECT, key, where, stickied)
#define POST_LIST(key, where) { \
	POST_LIST_SQL(key, where, "?4"), \
	POST_LIST_SQL(key, where, "?4 <> 0") }

/*
 * One page of the mod log: lines with id < ?1, newest first, at most ?2;
 * ?3 (mod_id) and ?4 (action) filter when non-zero and non-NULL. where
 * picks the index to walk (the primary key, community or moderator).
 * PostgreSQL needs the casts to type ?3 and ?4 where they first appear.
 * A line without a moderator was written by the command line (v10).
 */
#define MODLOG_SELECT \
	"SELECT m.id, c.name, coalesce(mu.name, '" STORE_CLI_ACTOR "'), " \
	"m.action, m.kind, m.target_id, " \
	"tu.name, m.reason, m.created, m.expires, m.seq, m.prev, m.hash " \
	"FROM mod_actions m " \
	"LEFT JOIN users mu ON mu.id = m.mod_id " \
	"LEFT JOIN communities c ON c.id = m.community_id " \
	"LEFT JOIN users tu ON tu.id = m.target_user_id "
#define MODLOG_LIST_SQL(where, mod, action) \
	MODLOG_SELECT \
	"WHERE " where "m.id < ?1 AND (" mod " = 0 OR m.mod_id = ?3) " \
	"AND (" action " IS NULL OR m.action = ?4) " \
	"ORDER BY m.id DESC LIMIT ?2"
#define MODLOG_LIST(where) { \
	MODLOG_LIST_SQL(where, "?3", "?4"), \
	MODLOG_LIST_SQL(where, "?3::bigint", "?4::text") }

/*
 * Saved, hidden and search: a comment with its post, COMMENT_COL then
 * POST_COL then extra, ?1 the viewer; the comment's author is cu.
 */
#define COMMENT_POST_COLS(extra) \
	COMMENT_COLS_OF("cu") ", coalesce(cv.dir, 0), cm.held, " \
	COMMENT_SAVED ", " COMMENT_AUTHOR_FLAIR ", " POST_COLS extra
/* The joins COMMENT_POST_COLS reads from, after comments cm. */
#define COMMENT_POST_JOINS \
	"JOIN users cu ON cu.id = cm.author_id " \
	"LEFT JOIN votes cv ON cv.user_id = ?1 AND cv.kind = 1 " \
	"AND cv.target_id = cm.id " \
	"JOIN posts p ON p.id = cm.post_id " POST_JOINS
#define COMMENT_POST_SELECT(extra) \
	"SELECT " COMMENT_POST_COLS(extra) " FROM comments cm " \
	COMMENT_POST_JOINS

/*
 * Search (schema v4). Parameters: ?1 viewer, ?2 the backend's query text
 * (store_search_fts5 or store_search_tsquery), ?3 community_id (0: any),
 * ?4 author_id (0: any), ?5 created since, ?6 ?7 ?8 the cursor (key,
 * kind, id: results come by key, then posts before comments, then id,
 * all descending but kind), ?9 limit, ?10 the highest id of the kind
 * that the search looks at (the newest when its first page was asked
 * for), ?11 the window. Each row is the item's columns, then its key.
 * Removed, deleted and held items, comments on removed or held posts,
 * posts the viewer hid and the comments on them, and authors the viewer
 * blocks never appear.
 *
 * The window: the newest ?11 items of the kind (by id, at or below ?10)
 * that hold the words; the filters, the sort and the cursor apply within
 * it (docs/decisions/022-search-at-scale.md). So a search reads and
 * ranks at most ?11 rows of each kind however common its words are, and
 * every page of it reads the same window. SQLite takes the window from
 * the FTS5 doclist in rowid order, which needs no ranking; relevance is
 * bm25 of the window's rows only, titles weighing four times a body, its
 * sign turned so that every sort runs key DESC. PostgreSQL matches the
 * stored, GIN-indexed column search_tsv (schema v17) and ranks with
 * ts_rank of it: no row's text is parsed again.
 */
#define SEARCH_FILTER(item) \
	"AND (?3 = 0 OR p.community_id = ?3) " \
	"AND (?4 = 0 OR " item ".author_id = ?4) " \
	"AND " item ".created >= ?5 " \
	"AND " item ".removed = 0 AND " item ".deleted = 0 " \
	"AND " item ".held = 0 AND p.removed = 0 AND p.held = 0 " \
	"AND NOT EXISTS (SELECT 1 FROM hides hx WHERE hx.user_id = ?1 " \
	"AND hx.post_id = p.id) " \
	"AND NOT EXISTS (SELECT 1 FROM blocks bk WHERE bk.user_id = ?1 " \
	"AND bk.blocked_id = " item ".author_id) "
#define SEARCH_ORDER(key, item) \
	"ORDER BY " key " DESC, " item ".id DESC LIMIT ?9"
/* A post is after cursor (k, kind, id) when its key is lower, or the
 * same and the cursor is a post with a higher id; a comment when its key
 * is lower, or the same and the cursor is a post or a comment with a
 * higher id. */
#define SEARCH_AFTER_POST(key) \
	"AND (" key " < ?6 OR (" key " = ?6 AND ?7 = 0 AND p.id < ?8)) "
#define SEARCH_AFTER_COMMENT(key) \
	"AND (" key " < ?6 OR (" key " = ?6 AND (?7 = 0 OR cm.id < ?8))) "
/* The window of a kind (FTS5 table fts): w.id and w.rank, the rank of
 * a row (0 where the sort is not relevance). */
#define SEARCH_FTS_WINDOW(fts, rank) \
	"(SELECT rowid AS id, " rank " AS rank FROM " fts " " \
	"WHERE " fts " MATCH ?2 AND rowid <= ?10 " \
	"ORDER BY rowid DESC LIMIT ?11) w "
/* PostgreSQL's window: ids only, the rank is taken of its rows. A walk
 * down the primary key from ?10 matches each row's stored search_tsv
 * against the query (parsed once, an InitPlan); it costs a few µs a
 * row, where the GIN bitmap costs a heap read per match, all of them
 * (a common word's hundreds of thousands). So: c counts the matches
 * among the newest ?11 ids (the sample); when they are one in 16 or
 * more, and at that rate the ids up to ?10 hold 16 windows of matches
 * or more (the GIN bitmap would read more rows than the walk may; in a
 * small table it is the cheaper), s walks on, at most 16 ?11 rows,
 * until ?11 match, and when that
 * many do they are the window (every id above the walk's last was
 * looked at). Otherwise the window comes from the GIN index, m: all the
 * matches, the newest ?11 of them (MATERIALIZED keeps the generic plan,
 * which knows no word, from walking the whole table for a rare word).
 * The gates are InitPlans, evaluated once and only when reached, so a
 * rare word pays the sample and m, a common one the sample and s;
 * test_store_pg.c checks the plans. The id bound stays out of m: ANDed
 * into the bitmap it made the bitmap lossier. A window of "all" (?11
 * past 100,000) walks nothing. */
#define SEARCH_PG_WALK(table, alias, rows) \
	"(SELECT " alias ".id, " alias ".search_tsv FROM " table " " alias " " \
	"WHERE " alias ".id <= ?10 ORDER BY " alias ".id DESC " \
	"LIMIT CASE WHEN ?11::bigint <= 100000 THEN " rows " ELSE 0 END) q " \
	"WHERE q.search_tsv @@ (SELECT to_tsquery('simple', ?2::text)) "
#define SEARCH_PG_DENSE \
	"(SELECT n FROM c) * 16 >= ?11 " \
	"AND (SELECT n FROM c)::float8 * ?10 >= 16.0 * ?11 * ?11"
#define SEARCH_PG_WALKED "(SELECT count(*) FROM s) >= ?11"
#define SEARCH_PG_WINDOW(table, alias) \
	"(WITH c AS MATERIALIZED (SELECT count(*) AS n FROM " \
	SEARCH_PG_WALK(table, alias, "?11") "), " \
	"s AS MATERIALIZED (SELECT q.id FROM " \
	SEARCH_PG_WALK(table, alias, "?11 * 16") \
	"ORDER BY q.id DESC LIMIT ?11), " \
	"m AS MATERIALIZED (SELECT " alias ".id FROM " table " " alias " " \
	"WHERE " alias ".search_tsv @@ to_tsquery('simple', ?2::text)) " \
	"SELECT s.id FROM s WHERE " SEARCH_PG_DENSE " AND " SEARCH_PG_WALKED \
	" UNION ALL (SELECT m.id FROM m WHERE m.id <= ?10 AND NOT (" \
	SEARCH_PG_DENSE " AND " SEARCH_PG_WALKED ") " \
	"ORDER BY m.id DESC LIMIT ?11)) w "
#define SEARCH_PG_TYPES \
	"AND ?3::bigint IS NOT NULL AND ?4::bigint IS NOT NULL " \
	"AND ?5::bigint IS NOT NULL AND ?6::float8 IS NOT NULL " \
	"AND ?7::int IS NOT NULL AND ?8::bigint IS NOT NULL "
/* The page of a kind's keys, k.id and k.key, from window w of table
 * (alias item) joined from: the filters, the cursor and the order run on
 * the rows' flags alone, so only a page of rows has its columns read. */
#define SEARCH_KEYS(item, from, key, after) \
	"(SELECT " item ".id AS id, " key " AS key FROM " from \
	"WHERE " item ".id <= ?10 " SEARCH_FILTER(item) after \
	SEARCH_ORDER(key, item) ") k "
#define SEARCH_POSTS_FROM "CROSS JOIN posts p ON p.id = w.id "
#define SEARCH_COMMENTS_FROM \
	"CROSS JOIN comments cm ON cm.id = w.id " \
	"JOIN posts p ON p.id = cm.post_id "
#define SEARCH_POSTS(rank, key, pgkey) { \
	"SELECT " POST_COLS ", k.key FROM " \
	SEARCH_KEYS("p", SEARCH_FTS_WINDOW("posts_fts", rank) \
	    SEARCH_POSTS_FROM, key, SEARCH_AFTER_POST(key)) \
	"CROSS JOIN posts p ON p.id = k.id " POST_JOINS \
	"ORDER BY k.key DESC, p.id DESC", \
	"SELECT " POST_COLS ", k.key FROM " \
	SEARCH_KEYS("p", SEARCH_PG_WINDOW("posts", "p") \
	    "JOIN posts p ON p.id = w.id ", pgkey, \
	    SEARCH_PG_TYPES SEARCH_AFTER_POST(pgkey)) \
	"JOIN posts p ON p.id = k.id " POST_JOINS \
	"ORDER BY k.key DESC, p.id DESC" }
#define SEARCH_COMMENTS(rank, key, pgkey) { \
	"SELECT " COMMENT_POST_COLS(", k.key") " FROM " \
	SEARCH_KEYS("cm", SEARCH_FTS_WINDOW("comments_fts", rank) \
	    SEARCH_COMMENTS_FROM, key, SEARCH_AFTER_COMMENT(key)) \
	"CROSS JOIN comments cm ON cm.id = k.id " COMMENT_POST_JOINS \
	"ORDER BY k.key DESC, cm.id DESC", \
	"SELECT " COMMENT_POST_COLS(", k.key") " FROM " \
	SEARCH_KEYS("cm", SEARCH_PG_WINDOW("comments", "cm") \
	    "JOIN comments cm ON cm.id = w.id " \
	    "JOIN posts p ON p.id = cm.post_id ", pgkey, \
	    SEARCH_PG_TYPES SEARCH_AFTER_COMMENT(pgkey)) \
	"JOIN comments cm ON cm.id = k.id " COMMENT_POST_JOINS \
	"ORDER BY k.key DESC, cm.id DESC" }

/*
 * Home as a merge (store_home.c): one subscribed community's (?1) walk
 * from the cursor (?2, ?3), at most ?4 keys, only the key and id of each
 * post, from its posts_c_* index alone; the listing's filters are
 * store_home.c's, on the rows of the winners. Top's period (?5, 0 for
 * all time, when the row is never read) is the one filter here.
 */
#define HOME_KEYS_SQL(key, where) \
	"SELECT p." key ", p.id FROM posts p WHERE p.community_id = ?1 AND " \
	where "(p." key ", p.id) < (?2, ?3) " \
	"ORDER BY p." key " DESC, p.id DESC LIMIT ?4"
#define HOME_KEYS(key) { HOME_KEYS_SQL(key, "") }

/* Home: the post's community is one the member ?1 subscribes to. */
#define HOME_WHERE \
	"EXISTS (SELECT 1 FROM subscriptions sb WHERE sb.user_id = ?1 " \
	"AND sb.community_id = p.community_id) AND "

/*
 * A signed-in user u and what struct viewer holds: their class
 * (VIEWER_CLASS), notifications unseen, and their subscriptions
 * (store.h's STORE_HOME_SET_MAX + 1 ids at most, ascending,
 * comma-separated; NULL for none), then more.
 */
#define VIEWER_COLS \
	"SELECT " USER_COLS ", " VIEWER_CLASS ", " \
	"(SELECT count(*) FROM notifications n " \
	"WHERE n.user_id = u.id AND n.seen = 0), "
/* A session's more: the lowest and highest ids of the posts and the
 * comments the user voted on (struct viewer's voted_lo, voted_hi). */
#define SESSION_VOTED \
	", (SELECT min(target_id) FROM votes v WHERE v.user_id = u.id " \
	"AND v.kind = 0), " \
	"(SELECT max(target_id) FROM votes v WHERE v.user_id = u.id " \
	"AND v.kind = 0), " \
	"(SELECT min(target_id) FROM votes v WHERE v.user_id = u.id " \
	"AND v.kind = 1), " \
	"(SELECT max(target_id) FROM votes v WHERE v.user_id = u.id " \
	"AND v.kind = 1), "
/* Then the session's end and the user's show_nsfw (struct viewer's
 * expires and show_nsfw), so that a kept row can be checked against the
 * clock and a member's page needs no query of its own for the setting. */
#define SESSION_MORE SESSION_VOTED "s.expires, u.show_nsfw "
_Static_assert(STORE_HOME_SET_MAX + 1 == 51, "VIEWER_HOME_IDS lists 51");
#define VIEWER_HOME_IDS \
	"FROM (SELECT community_id FROM subscriptions sb " \
	"WHERE sb.user_id = u.id ORDER BY community_id LIMIT 51) hs) "
#define VIEWER_SELECT(more) \
	VIEWER_COLS "(SELECT group_concat(community_id) " VIEWER_HOME_IDS more
#define VIEWER_SELECT_PG(more) \
	VIEWER_COLS "(SELECT string_agg(community_id::text, ',' " \
	"ORDER BY community_id) " VIEWER_HOME_IDS more

/* ---- the table -------------------------------------------------------- */

/* A conversation row: id, a_id, a name, b_id, b name, subject, created,
 * updated, last_message, a_cleared, b_cleared. */
#define CONVERSATION_SELECT \
	"SELECT v.id, v.a_id, ua.name, v.b_id, ub.name, v.subject, " \
	"v.created, v.updated, v.last_message, v.a_cleared, v.b_cleared " \
	"FROM conversations v JOIN users ua ON ua.id = v.a_id " \
	"JOIN users ub ON ub.id = v.b_id "

/* A message row: id, conversation_id, sender_id, sender name, body,
 * body_html, created. */
#define MESSAGE_SELECT \
	"SELECT m.id, m.conversation_id, m.sender_id, u.name, m.body, " \
	"m.body_html, m.created FROM messages m " \
	"JOIN users u ON u.id = m.sender_id "

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
	    VIEWER_SELECT(SESSION_MORE)
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.key = ?1 AND s.expires > ?2 AND u.deleted = 0",
	    VIEWER_SELECT_PG(SESSION_MORE)
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
	/* POST_COL order without the author's name, the text, the viewer's
	 * vote and marks, the flairs and the poll (NULL or 0 there): what a
	 * vote checks and links to, without four joins and three probes */
	[STMT_POST_BRIEF] = {
	    "SELECT p.id, p.community_id, c.name, p.author_id, NULL, p.title, "
	    "NULL, NULL, NULL, p.created, p.edited, p.ups - p.downs, p.ups, "
	    "p.downs, p.comment_count, p.last_comment, p.locked, p.stickied, "
	    NSFW_COL ", p.removed, p.deleted, NULL, 0, p.held, 0, 0, "
	    "p.spoiler, p.flair, NULL, NULL, 0, NULL "
	    "FROM posts p JOIN communities c ON c.id = p.community_id "
	    "WHERE p.id = ?1" },
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
	/* The title stays (a view shows app_post_title's placeholder);
	 * the text and link go. */
	[STMT_POST_DELETE] = {
	    "UPDATE posts SET deleted = 1, body = NULL, body_html = NULL, "
	    "url = NULL WHERE id = ?1" },
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
	/* Erasing takes the title too: empty, not a placeholder word. */
	[STMT_POST_ERASE_AUTHOR] = {
	    "UPDATE posts SET deleted = 1, title = '', body = NULL, "
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
	/* poll votes (richer posts) count against the same limit */
	[STMT_VOTE_COUNT_SINCE] = {
	    "SELECT (SELECT count(*) FROM votes WHERE user_id = ?1 "
	    "AND created >= ?2) + (SELECT count(*) FROM poll_votes "
	    "WHERE user_id = ?1 AND created >= ?2)" },
	[STMT_RATE_HIT] = {
	    "INSERT INTO rate_events(key, at) VALUES (?1, ?2)" },
	[STMT_RATE_COUNT] = {
	    "SELECT count(*) FROM rate_events WHERE key = ?1 AND at >= ?2" },
	[STMT_RATE_PURGE] = { "DELETE FROM rate_events WHERE at < ?1" },

	/* copying a whole database */
	/* trust (schema v3) */
	[STMT_MODLOG_HEAD_LOCK] = FOR_UPDATE(
	    "SELECT seq, hash, time, signature FROM modlog_head WHERE id = 1"),
	[STMT_MODLOG_HEAD_SET] = {
	    "UPDATE modlog_head SET seq = ?1, hash = ?2, time = ?3, "
	    "signature = ?4 WHERE id = 1" },
	[STMT_MODLOG_ENTRY] = { MODLOG_SELECT "WHERE m.id = ?1" },
	[STMT_MODLOG_SET_CHAIN] = {
	    "UPDATE mod_actions SET seq = ?2, prev = ?3, hash = ?4 "
	    "WHERE id = ?1" },
	[STMT_MODLOG_UNCHAINED] = {
	    "SELECT id FROM mod_actions WHERE seq = 0 ORDER BY id LIMIT ?1" },
	[STMT_KEY_INSERT] = RETURNING_ID(
	    "INSERT INTO site_keys(public_key, secret_key, created) "
	    "VALUES (?1, ?2, ?3)"),
	[STMT_KEY_CURRENT] = {
	    "SELECT id, public_key, secret_key, created FROM site_keys "
	    "WHERE retired = 0 ORDER BY id DESC LIMIT 1" },
	[STMT_KEY_RETIRE] = {
	    "UPDATE site_keys SET retired = ?2, successor = ?3, "
	    "statement_sig = ?4 WHERE id = ?1" },
	[STMT_KEY_HISTORY] = {
	    "SELECT public_key, created, retired, successor, statement_sig "
	    "FROM site_keys WHERE retired > 0 ORDER BY retired, id" },
	[STMT_CANARY_INSERT] = RETURNING_ID(
	    "INSERT INTO canaries(text, date, signature, public_key, "
	    "admin_id) VALUES (?1, ?2, ?3, ?4, ?5)"),
	[STMT_CANARY_CURRENT] = {
	    "SELECT text, date, signature, public_key, id FROM canaries "
	    "WHERE id = (SELECT max(id) FROM canaries)" },
	[STMT_CANARY_RESIGN] = {
	    "UPDATE canaries SET signature = ?2, public_key = ?3 WHERE id = ?1" },

	[STMT_TABLES] = {
	    "SELECT name FROM sqlite_schema WHERE type = 'table' "
	    "AND name NOT LIKE 'sqlite_%' "
	    /* the search index is derived: its triggers fill it anew */
	    "AND name NOT GLOB '*_fts' AND name NOT GLOB '*_fts_*' "
	    "ORDER BY name",
	    "SELECT table_name::text FROM information_schema.tables "
	    "WHERE table_schema = current_schema() "
	    "AND table_type = 'BASE TABLE' ORDER BY 1" },
	[STMT_TABLE_COLUMNS] = {
	    "SELECT name FROM pragma_table_info(?1) ORDER BY cid",
	    /* search_tsv (schema v17) is derived: the target computes it */
	    "SELECT column_name::text FROM information_schema.columns "
	    "WHERE table_schema = current_schema() AND table_name = ?1 "
	    "AND is_generated = 'NEVER' ORDER BY ordinal_position" },
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
	    VIEWER_SELECT(", t.id, t.scopes ")
	    "FROM api_tokens t JOIN users u ON u.id = t.user_id "
	    "WHERE t.key = ?1 AND u.deleted = 0",
	    VIEWER_SELECT_PG(", t.id, t.scopes ")
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
	/* members' invites: invites_creator counts; users_invited (a
	 * partial index) walks the invited members by id */
	[STMT_INVITE_COUNT] = {
	    "SELECT count(*) FROM invites WHERE creator_id = ?1" },
	[STMT_INVITED_LIST] = {
	    "SELECT u.id, u.name, i.name, u.created FROM users u "
	    "JOIN users i ON i.id = u.invited_by "
	    "WHERE u.invited_by IS NOT NULL AND u.id < ?1 "
	    "ORDER BY u.id DESC LIMIT ?2" },
	[STMT_USER_INVITER] = {
	    "SELECT u.id, u.name, i.name, u.created FROM users u "
	    "JOIN users i ON i.id = u.invited_by WHERE u.id = ?1" },
	/* saved and hidden (schema v4): pages walk saves_user and
	 * hides_user by id, newest first */
	[STMT_SAVE_INSERT] = RETURNING_ID(
	    "INSERT INTO saves(user_id, kind, target_id, created) "
	    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"),
	[STMT_SAVE_DELETE] = {
	    "DELETE FROM saves "
	    "WHERE user_id = ?1 AND kind = ?2 AND target_id = ?3" },
	[STMT_SAVED_POSTS] = {
	    "SELECT " POST_COLS ", s.id FROM saves s "
	    "JOIN posts p ON p.id = s.target_id " POST_JOINS
	    "WHERE s.user_id = ?1 AND s.kind = 0 AND s.id < ?2 "
	    "AND p.removed = 0 AND p.deleted = 0 AND p.held = 0 "
	    "ORDER BY s.id DESC LIMIT ?3" },
	[STMT_SAVED_COMMENTS] = {
	    COMMENT_POST_SELECT(", s.id")
	    "JOIN saves s ON s.kind = 1 AND s.target_id = cm.id "
	    "AND s.user_id = ?1 "
	    "WHERE s.id < ?2 AND cm.removed = 0 AND cm.deleted = 0 "
	    "AND cm.held = 0 AND p.removed = 0 AND p.held = 0 "
	    "ORDER BY s.id DESC LIMIT ?3" },
	[STMT_HIDE_INSERT] = RETURNING_ID(
	    "INSERT INTO hides(user_id, post_id, created) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING"),
	[STMT_HIDE_DELETE] = {
	    "DELETE FROM hides WHERE user_id = ?1 AND post_id = ?2" },
	[STMT_HIDDEN_POSTS] = {
	    "SELECT " POST_COLS ", h.id FROM hides h "
	    "JOIN posts p ON p.id = h.post_id " POST_JOINS
	    "WHERE h.user_id = ?1 AND h.id < ?2 "
	    "ORDER BY h.id DESC LIMIT ?3" },

	/* search (schema v4) */
	[STMT_SEARCH_POSTS_RELEVANCE] = SEARCH_POSTS(
	    "-bm25(posts_fts, 4.0, 1.0)", "w.rank",
	    "ts_rank(p.search_tsv, to_tsquery('simple', ?2::text))::float8"),
	[STMT_SEARCH_POSTS_NEW] = SEARCH_POSTS("0", "p.created", "p.created"),
	/* by the score shown: search sorts its matches, no index lags */
	[STMT_SEARCH_POSTS_TOP] = SEARCH_POSTS("0", "(p.ups - p.downs)",
	    "(p.ups - p.downs)"),
	[STMT_SEARCH_COMMENTS_RELEVANCE] = SEARCH_COMMENTS(
	    "-bm25(comments_fts)", "w.rank",
	    "ts_rank(cm.search_tsv, to_tsquery('simple', ?2::text))::float8"),
	[STMT_SEARCH_COMMENTS_NEW] = SEARCH_COMMENTS("0", "cm.created",
	    "cm.created"),
	[STMT_SEARCH_COMMENTS_TOP] = SEARCH_COMMENTS("0", "cm.score",
	    "cm.score"),
	/* the newest ids, where a search's window begins */
	[STMT_SEARCH_UPTO] = {
	    "SELECT (SELECT coalesce(max(id), 0) FROM posts), "
	    "(SELECT coalesce(max(id), 0) FROM comments)" },

	/* Home when the subscribed communities are a large share of the
	 * posts, or past HOME_MERGE_MAX subscriptions (store_home.c): the
	 * global index walk, each row kept when the member subscribes to
	 * its community (a probe of the subscriptions key). */
	[STMT_POST_LIST_HOT_HOME] = POST_LIST("hot", HOME_WHERE),
	[STMT_POST_LIST_NEW_HOME] = POST_LIST("created", HOME_WHERE),
	[STMT_POST_LIST_TOP_HOME] =
	    POST_LIST("score", HOME_WHERE "p.created >= ?6 AND "),
	[STMT_POST_LIST_ACTIVE_HOME] = POST_LIST("last_comment", HOME_WHERE),
	[STMT_POST_LIST_CONTROVERSIAL_HOME] =
	    POST_LIST("controversy", HOME_WHERE),
	/* Home as a merge of per-community walks (store_home.c) */
	[STMT_SUBSCRIPTION_IDS] = {
	    "SELECT sb.community_id, c.post_count, "
	    "coalesce((SELECT max(id) FROM posts), 0) FROM subscriptions sb "
	    "JOIN communities c ON c.id = sb.community_id "
	    "WHERE sb.user_id = ?1 ORDER BY sb.community_id LIMIT ?2" },
	[STMT_HOME_KEYS_HOT] = HOME_KEYS("hot"),
	[STMT_HOME_KEYS_NEW] = HOME_KEYS("created"),
	/* PostgreSQL would type ?5 from "= 0" as a 4-byte integer */
	[STMT_HOME_KEYS_TOP] = {
	    HOME_KEYS_SQL("score", "(?5 = 0 OR p.created >= ?5) AND "),
	    HOME_KEYS_SQL("score",
	    "(?5::bigint = 0 OR p.created >= ?5) AND ") },
	[STMT_HOME_KEYS_ACTIVE] = HOME_KEYS("last_comment"),
	[STMT_HOME_KEYS_CONTROVERSIAL] = HOME_KEYS("controversy"),
	[STMT_POST_BY_IDS] = {
	    POST_SELECT "WHERE p.id IN ("
	    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
	    "?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, "
	    "?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33)" },
	/* PostgreSQL's GIN indexes need no trigger: always all five */
	[STMT_SEARCH_TRIGGERS] = {
	    "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' "
	    "AND name GLOB '*_fts_*'", "SELECT 5" },
	/* New comments reach SQLite's index in batches (schema v12);
	 * PostgreSQL's GIN indexes follow every row: never pending. */
	[STMT_SEARCH_PENDING] = {
	    "SELECT coalesce((SELECT max(id) FROM comments), 0) > "
	    "coalesce((SELECT upto FROM search_done WHERE what = 'comments'), 0)",
	    "SELECT 0" },
	[STMT_SEARCH_CATCH_UP] = {
	    "INSERT INTO comments_fts(rowid, body) SELECT id, body "
	    "FROM comments WHERE id > (SELECT upto FROM search_done "
	    "WHERE what = 'comments') ORDER BY id", "SELECT 0" },
	[STMT_SEARCH_MARK] = {
	    "UPDATE search_done SET upto = (SELECT coalesce(max(id), 0) "
	    "FROM comments) WHERE what = 'comments'", "SELECT 0" },
	[STMT_SEARCH_UNMARK] = {
	    "UPDATE search_done SET upto = 0 WHERE what = 'comments'" },
	/* inbox, mentions and private messages */
	/* Nothing arrives from a user the recipient blocks: the check is
	 * part of the insert, not a query of its own. PostgreSQL gives the
	 * parameters of a SELECT list no type. */
	[STMT_INBOX_ADD] = {
	    "INSERT INTO notifications(user_id, kind, from_id, text, link, "
	    "post_id, comment_id, created) "
	    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 WHERE NOT EXISTS ("
	    "SELECT 1 FROM blocks WHERE user_id = ?1 AND blocked_id = ?3)",
	    "INSERT INTO notifications(user_id, kind, from_id, text, link, "
	    "post_id, comment_id, created) "
	    "SELECT ?1::bigint, ?2::integer, ?3::bigint, ?4::text, ?5::text, "
	    "?6::bigint, ?7::bigint, ?8::bigint WHERE NOT EXISTS ("
	    "SELECT 1 FROM blocks WHERE user_id = ?1 AND blocked_id = ?3) "
	    "RETURNING id" },
	[STMT_INBOX_LIST] = {
	    "SELECT n.id, n.kind, n.seen, n.created, u.name, n.text, n.link, "
	    "n.post_id, n.comment_id FROM notifications n "
	    "LEFT JOIN users u ON u.id = n.from_id "
	    "WHERE n.user_id = ?1 AND n.id < ?2 ORDER BY n.id DESC LIMIT ?3" },
	[STMT_INBOX_READ] = {
	    "UPDATE notifications SET seen = 1 WHERE user_id = ?1 AND id = ?2" },
	[STMT_MENTION_ADD] = {
	    "INSERT INTO mentions(kind, item_id, user_id) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT DO NOTHING" },
	[STMT_CONVERSATION_INSERT] = RETURNING_ID(
	    "INSERT INTO conversations(a_id, b_id, subject, created, updated) "
	    "VALUES (?1, ?2, ?3, ?4, ?4)"),
	[STMT_MESSAGE_INSERT] = RETURNING_ID(
	    "INSERT INTO messages(conversation_id, sender_id, body, body_html, "
	    "created) VALUES (?1, ?2, ?3, ?4, ?5)"),
	[STMT_CONVERSATION_BUMP] = {
	    "UPDATE conversations SET last_message = ?2, updated = ?3 "
	    "WHERE id = ?1" },
	[STMT_CONVERSATION_GET] = {
	    CONVERSATION_SELECT "WHERE v.id = ?1" },
	/* Walks conversation_sides_list below the cursor ?3 (a message id);
	 * the rows the member deleted are skipped (a page later goes on past
	 * them). */
	[STMT_CONVERSATIONS] = {
	    "SELECT v.id, v.a_id, ua.name, v.b_id, ub.name, v.subject, "
	    "v.created, v.updated, v.last_message, v.a_cleared, v.b_cleared "
	    "FROM conversation_sides s "
	    "JOIN conversations v ON v.id = s.conversation_id "
	    "JOIN users ua ON ua.id = v.a_id JOIN users ub ON ub.id = v.b_id "
	    "WHERE s.user_id = ?1 AND s.last_message < ?3 "
	    "AND s.last_message > CASE WHEN v.a_id = ?1 "
	    "THEN v.a_cleared ELSE v.b_cleared END "
	    "ORDER BY s.last_message DESC LIMIT ?2" },
	[STMT_MESSAGES_OF] = {
	    MESSAGE_SELECT "WHERE m.conversation_id = ?1 AND m.id > ?2 "
	    "ORDER BY m.id LIMIT ?3" },
	[STMT_MESSAGE_GET] = { MESSAGE_SELECT "WHERE m.id = ?1" },
	[STMT_CONVERSATION_CLEAR] = {
	    "UPDATE conversations SET "
	    "a_cleared = CASE WHEN a_id = ?2 THEN last_message "
	    "ELSE a_cleared END, "
	    "b_cleared = CASE WHEN b_id = ?2 THEN last_message "
	    "ELSE b_cleared END "
	    "WHERE id = ?1 AND (a_id = ?2 OR b_id = ?2)" },
	[STMT_MESSAGE_COUNT_SINCE] = {
	    "SELECT count(*) FROM messages "
	    "WHERE sender_id = ?1 AND created >= ?2" },
	[STMT_MESSAGE_REPORT_INSERT] = RETURNING_ID(
	    "INSERT INTO message_reports(message_id, reporter_id, reason, "
	    "created) VALUES (?1, ?2, ?3, ?4)"),
	[STMT_MESSAGE_REPORT_QUEUE] = {
	    "SELECT r.id, r.message_id, m.conversation_id, r.reason, r.created "
	    "FROM message_reports r JOIN messages m ON m.id = r.message_id "
	    "WHERE r.resolved = 0 ORDER BY r.id LIMIT ?1" },
	[STMT_MESSAGE_REPORTED] = {
	    "SELECT 1 FROM message_reports r "
	    "JOIN messages m ON m.id = r.message_id "
	    "WHERE m.conversation_id = ?1 AND r.resolved = 0 LIMIT 1" },
	[STMT_CONVERSATION_SIDE_ADD] = {
	    "INSERT INTO conversation_sides(user_id, conversation_id) "
	    "VALUES (?1, ?2)" },
	[STMT_CONVERSATION_SIDES_BUMP] = {
	    "UPDATE conversation_sides SET last_message = ?2 "
	    "WHERE conversation_id = ?1" },
	/* seen = 0 selects the partial index notifications_unseen. */
	[STMT_INBOX_READ_LINK] = {
	    "UPDATE notifications SET seen = 1 WHERE user_id = ?1 AND seen = 0 "
	    "AND kind = ?2 AND link = ?3" },
	[STMT_MESSAGE_REPORT_RESOLVE] = {
	    "UPDATE message_reports SET resolved = 1 WHERE resolved = 0 "
	    "AND message_id IN (SELECT id FROM messages "
	    "WHERE conversation_id = ?1)" },
	/* richer posts: edit history (schema v6, store_history.c) */
	[STMT_HISTORY_SAVE_POST] = RETURNING_ID(
	    "INSERT INTO revisions (kind, target_id, author_id, title, body, "
	    "created) SELECT 0, id, author_id, title, body, "
	    "CASE WHEN edited <> 0 THEN edited ELSE created END "
	    "FROM posts WHERE id = ?1 AND deleted = 0"),
	[STMT_HISTORY_SAVE_COMMENT] = RETURNING_ID(
	    "INSERT INTO revisions (kind, target_id, author_id, body, created) "
	    "SELECT 1, id, author_id, body, "
	    "CASE WHEN edited <> 0 THEN edited ELSE created END "
	    "FROM comments WHERE id = ?1 AND deleted = 0"),
	[STMT_HISTORY_SAVE_COMMUNITY] = RETURNING_ID(
	    "INSERT INTO revisions (kind, target_id, title, body, extra, "
	    "created) SELECT 2, id, title, description, rules, "
	    "CASE WHEN edited <> 0 THEN edited ELSE created END "
	    "FROM communities WHERE id = ?1"),
	[STMT_COMMUNITY_SET_EDITED] = {
	    "UPDATE communities SET edited = ?2 WHERE id = ?1" },
	[STMT_COMMUNITY_EDITED] = {
	    "SELECT edited, created FROM communities WHERE id = ?1" },
	[STMT_HISTORY_LIST] = {
	    "SELECT id, title, body, extra, created FROM revisions "
	    "WHERE kind = ?1 AND target_id = ?2 ORDER BY id DESC LIMIT 200" },
	[STMT_HISTORY_DELETE] = {
	    "DELETE FROM revisions WHERE kind = ?1 AND target_id = ?2" },
	[STMT_HISTORY_ERASE_AUTHOR] = {
	    "DELETE FROM revisions WHERE author_id = ?1 AND kind IN (0, 1)" },

	/* richer posts: nsfw and spoiler (schema v6) */
	[STMT_POST_SET_MARKS] = {
	    "UPDATE posts SET nsfw = ?2, spoiler = ?3 WHERE id = ?1" },
	[STMT_COMMUNITY_NSFW] = {
	    "SELECT nsfw FROM communities WHERE id = ?1" },
	[STMT_COMMUNITY_SET_NSFW] = {
	    "UPDATE communities SET nsfw = ?2 WHERE id = ?1" },
	[STMT_USER_SHOW_NSFW] = {
	    "SELECT show_nsfw FROM users WHERE id = ?1" },
	[STMT_USER_SET_SHOW_NSFW] = {
	    "UPDATE users SET show_nsfw = ?2 WHERE id = ?1" },

	/* richer posts: flair (schema v6, store_flair.c) */
	[STMT_FLAIR_INSERT] = RETURNING_ID(
	    "INSERT INTO flairs (community_id, text, colour, created) "
	    "VALUES (?1, ?2, ?3, ?4)"),
	[STMT_FLAIR_DELETE] = {
	    "DELETE FROM flairs WHERE community_id = ?1 AND text = ?2" },
	[STMT_FLAIR_LIST] = {
	    "SELECT text, colour FROM flairs WHERE community_id = ?1 "
	    "ORDER BY text LIMIT 100" },
	[STMT_FLAIR_GET] = {
	    "SELECT text, colour FROM flairs WHERE community_id = ?1 "
	    "AND text = ?2" },
	[STMT_USER_FLAIR_SET] = {
	    "INSERT INTO user_flairs (community_id, user_id, text) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT (community_id, user_id) "
	    "DO UPDATE SET text = excluded.text" },
	[STMT_USER_FLAIR_DELETE] = {
	    "DELETE FROM user_flairs WHERE community_id = ?1 AND user_id = ?2" },
	[STMT_POST_SET_FLAIR] = {
	    "UPDATE posts SET flair = ?2 WHERE id = ?1" },
	[STMT_POST_LIST_HOT_F] =
	    POST_LIST("hot", "p.community_id = ?6 AND p.flair = ?7 AND "),
	[STMT_POST_LIST_NEW_F] =
	    POST_LIST("created", "p.community_id = ?6 AND p.flair = ?7 AND "),
	/* the other sorts of one flair (schema v8 indexes) */
	[STMT_POST_LIST_TOP_F] = POST_LIST("score",
	    "p.community_id = ?6 AND p.flair = ?7 AND p.created >= ?8 AND "),
	[STMT_POST_LIST_ACTIVE_F] = POST_LIST("last_comment",
	    "p.community_id = ?6 AND p.flair = ?7 AND "),
	[STMT_POST_LIST_CONTROVERSIAL_F] = POST_LIST("controversy",
	    "p.community_id = ?6 AND p.flair = ?7 AND "),

	/* richer posts: polls (schema v6, store_poll.c) */
	[STMT_POLL_INSERT] = {
	    "INSERT INTO polls (post_id, closes) VALUES (?1, ?2)" },
	[STMT_POLL_OPTION_INSERT] = RETURNING_ID(
	    "INSERT INTO poll_options (post_id, position, text) "
	    "VALUES (?1, ?2, ?3)"),
	[STMT_POLL_GET] = {
	    "SELECT closes FROM polls WHERE post_id = ?1" },
	[STMT_POLL_OPTIONS] = {
	    "SELECT o.id, o.text, (SELECT count(*) FROM poll_votes v "
	    "WHERE v.option_id = o.id) FROM poll_options o "
	    "WHERE o.post_id = ?1 ORDER BY o.position" },
	/* The polls of up to VOTES_ON_IDS posts (?2...; 0 fills unused
	 * places) with ?1's choice, one row per option, so a page of posts
	 * reads all its polls at once. */
	[STMT_POLLS_ON] = {
	    "SELECT o.post_id, pl.closes, o.id, o.text, "
	    "(SELECT count(*) FROM poll_votes v WHERE v.option_id = o.id), "
	    "EXISTS (SELECT 1 FROM poll_votes w WHERE w.post_id = o.post_id "
	    "AND w.user_id = ?1 AND w.option_id = o.id) "
	    "FROM polls pl JOIN poll_options o ON o.post_id = pl.post_id "
	    "WHERE pl.post_id IN ("
	    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
	    "?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, "
	    "?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33) "
	    "ORDER BY o.post_id, o.position" },
	[STMT_POLL_VOTED] = {
	    "SELECT option_id FROM poll_votes WHERE post_id = ?1 "
	    "AND user_id = ?2" },
	[STMT_POLL_OPTION_POST] = {
	    "SELECT post_id FROM poll_options WHERE id = ?1" },
	[STMT_POLL_VOTE] = {
	    "INSERT INTO poll_votes (post_id, user_id, option_id, created) "
	    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (post_id, user_id) "
	    "DO UPDATE SET option_id = excluded.option_id, "
	    "created = excluded.created" },

	/* image uploads (schema v11) */
#define UPLOAD_COLS "hash, ext, user_id, bytes, width, height, created, " \
	"deleted"
	[STMT_UPLOAD_GET] = {
	    "SELECT " UPLOAD_COLS " FROM uploads WHERE hash = ?1" },
	[STMT_UPLOAD_INSERT] = {
	    "INSERT INTO uploads (hash, ext, user_id, bytes, width, height, "
	    "created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
	    "ON CONFLICT (hash) DO NOTHING" },
	[STMT_UPLOAD_USAGE] = {
	    "SELECT count(*), CAST(coalesce(sum(bytes), 0) AS BIGINT) "
	    "FROM uploads WHERE user_id = ?1 AND created > ?2" },
	[STMT_UPLOAD_DELETE] = {
	    "UPDATE uploads SET deleted = ?2 WHERE hash = ?1 AND deleted = 0" },
	[STMT_UPLOAD_LIVE_BY_USER] = {
	    "SELECT " UPLOAD_COLS " FROM uploads WHERE user_id = ?1 "
	    "AND deleted = 0" },
	[STMT_UPLOAD_PURGE] = {
	    "UPDATE uploads SET deleted = ?2 WHERE user_id = ?1 "
	    "AND deleted = 0" },
	[STMT_UPLOAD_RECENT] = {
	    "SELECT " UPLOAD_COLS " FROM uploads WHERE user_id = ?1 "
	    "AND deleted = 0 ORDER BY created DESC, hash DESC LIMIT ?2" },
	[STMT_POST_SET_IMAGE] = {
	    "UPDATE posts SET image = ?2 WHERE id = ?1" },
	/* the page caches' log (schema v14): numbered by a sequence on
	 * PostgreSQL, where rows commit out of order, by the rowid on SQLite,
	 * where writers take turns */
	[STMT_EPOCH_LAST] = {
	    "SELECT coalesce(max(seq), 0) FROM cache_log" },
	[STMT_EPOCH_SINCE] = {
	    "SELECT seq, slots FROM cache_log WHERE seq > ?1 ORDER BY seq "
	    "LIMIT ?2" },
	[STMT_EPOCH_LOG] = {
	    "INSERT INTO cache_log (slots) VALUES (?1)",
	    "INSERT INTO cache_log (seq, slots) VALUES "
	    "(nextval('cache_epoch_seq'), ?1) RETURNING seq" },
	[STMT_EPOCH_PRUNE] = {
	    "DELETE FROM cache_log WHERE seq <= ?1" },
	/* A vote or comment on a post leaves its rank columns and
	 * last_comment to a batch (SQLite) */
	[STMT_POST_SET_UPS] = {
	    "UPDATE posts SET ups = ?2, downs = ?3 WHERE id = ?1" },
	[STMT_RANK_QUEUE_ADD] = {
	    "INSERT INTO rank_queue(post_id, last_comment) VALUES (?1, ?2) "
	    "ON CONFLICT (post_id) DO UPDATE SET last_comment = "
	    "max(rank_queue.last_comment, excluded.last_comment)",
	    "INSERT INTO rank_queue(post_id, last_comment) VALUES (?1, ?2) "
	    "ON CONFLICT (post_id) DO UPDATE SET last_comment = "
	    "greatest(rank_queue.last_comment, excluded.last_comment)" },
	[STMT_POST_COUNT_COMMENT] = {
	    "UPDATE posts SET comment_count = comment_count + 1 WHERE id = ?1" },
	[STMT_RANK_QUEUE_LIST] = {
	    "SELECT p.id, p.community_id, p.ups, p.downs, p.created, "
	    "q.last_comment FROM rank_queue q JOIN posts p ON p.id = q.post_id "
	    "ORDER BY q.post_id LIMIT ?1" },
	[STMT_POST_SET_RANK] = {
	    "UPDATE posts SET score = ?2, hot = ?3, controversy = ?4, "
	    "last_comment = max(last_comment, ?5) WHERE id = ?1",
	    "UPDATE posts SET score = ?2, hot = ?3, controversy = ?4, "
	    "last_comment = greatest(last_comment, ?5) WHERE id = ?1" },
	[STMT_RANK_QUEUE_DONE] = {
	    "DELETE FROM rank_queue WHERE post_id <= ?1" },
	[STMT_RANK_QUEUE_ANY] = {
	    "SELECT 1 FROM rank_queue LIMIT 1" },
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

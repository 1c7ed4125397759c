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
 * v3: trust that anyone can check (issue 18; docs/VERIFY.md). The mod log
 * becomes a hash chain: seq 1, 2, ... without gaps, prev the previous
 * entry's hash, hash the SHA-256 of the entry's canonical JSON; entries
 * logged before v3 keep seq 0 until the first start chains them in id
 * order (store_trust_init: SQL alone cannot hash). modlog_head is one
 * row, the signed head, and the row every append locks, so appends
 * queue on PostgreSQL as they do under SQLite's write lock. site_keys
 * holds the site's Ed25519 keys, the newest unretired one current; a
 * retired key keeps the statement it signed naming its successor.
 * canaries keeps every signed canary, the newest current.
 */
#define SCHEMA_V3(SERIAL, I64, F64, BYTES, BYTEWISE, KEYED, INDEX_ID) \
	"ALTER TABLE mod_actions ADD COLUMN seq " I64 " NOT NULL DEFAULT 0;\n" \
	"ALTER TABLE mod_actions ADD COLUMN prev TEXT;\n" \
	"ALTER TABLE mod_actions ADD COLUMN hash TEXT;\n" \
	"CREATE UNIQUE INDEX mod_actions_seq ON mod_actions(seq)" \
	" WHERE seq > 0;\n" \
	"CREATE INDEX mod_actions_unchained ON mod_actions(id) WHERE seq = 0;\n" \
	\
	"CREATE TABLE modlog_head (" \
	" id INTEGER PRIMARY KEY CHECK (id = 1)," \
	" seq " I64 " NOT NULL," \
	" hash TEXT NOT NULL," \
	" time " I64 " NOT NULL," \
	" signature TEXT NOT NULL);\n" \
	"INSERT INTO modlog_head(id, seq, hash, time, signature) VALUES (1, 0," \
	" '0000000000000000000000000000000000000000000000000000000000000000'," \
	" 0, '');\n" \
	\
	"CREATE TABLE site_keys (" \
	" id " SERIAL " PRIMARY KEY," \
	" public_key TEXT NOT NULL UNIQUE," \
	" secret_key " BYTES " NOT NULL," \
	" created " I64 " NOT NULL," \
	" retired " I64 " NOT NULL DEFAULT 0," \
	" successor TEXT," \
	" statement_sig TEXT);\n" \
	"CREATE INDEX site_keys_retired ON site_keys(retired, id);\n" \
	\
	"CREATE TABLE canaries (" \
	" id " SERIAL " PRIMARY KEY," \
	" text TEXT NOT NULL," \
	" date " I64 " NOT NULL," \
	" signature TEXT NOT NULL," \
	" public_key TEXT NOT NULL," \
	" admin_id " I64 " REFERENCES users(id));\n"

/*
 * v4: saved and hidden. A member's saved posts and comments and hidden
 * posts, each with an id that orders /saved and /hidden newest first
 * (saves_user, hides_user) and a unique key the listings' probes use
 * (saves_item; hides' (user_id, post_id)).
 */
#define SCHEMA_V4(SERIAL, I64, F64, BYTES, BYTEWISE, KEYED, INDEX_ID) \
	"CREATE TABLE saves (" \
	" id " SERIAL " PRIMARY KEY," \
	" user_id " I64 " NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	" kind INTEGER NOT NULL," \
	" target_id " I64 " NOT NULL," \
	" created " I64 " NOT NULL);\n" \
	"CREATE UNIQUE INDEX saves_item ON saves(user_id, kind, target_id);\n" \
	"CREATE INDEX saves_user ON saves(user_id" INDEX_ID ");\n" \
	\
	"CREATE TABLE hides (" \
	" id " SERIAL " PRIMARY KEY," \
	" user_id " I64 " NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	" post_id " I64 " NOT NULL REFERENCES posts(id)," \
	" created " I64 " NOT NULL);\n" \
	"CREATE UNIQUE INDEX hides_item ON hides(user_id, post_id);\n" \
	"CREATE INDEX hides_user ON hides(user_id" INDEX_ID ");\n"

/*
 * v4, search: SQLite keeps an FTS5 index of posts (title, body) and
 * comments (body) as external-content tables, so the text is stored
 * once, kept in step by triggers on insert, delete and an update of the
 * text itself (a vote touches neither column, so it costs the index
 * nothing); the unicode61 tokenizer keeps diacritics, as PostgreSQL's
 * 'simple' configuration does. PostgreSQL has GIN indexes over
 * to_tsvector('simple', ...) expressions (v17 stores them in a column
 * and indexes that instead).
 * 'rebuild' indexes what is there already.
 */
/* The FTS triggers of posts; IFNE is "" or "IF NOT EXISTS ". */
#define SEARCH_POSTS_TRIGGERS(IFNE) \
	"CREATE TRIGGER " IFNE "posts_fts_insert AFTER INSERT ON posts BEGIN" \
	" INSERT INTO posts_fts(rowid, title, body)" \
	" VALUES (new.id, new.title, new.body); END;\n" \
	"CREATE TRIGGER " IFNE "posts_fts_delete AFTER DELETE ON posts BEGIN" \
	" INSERT INTO posts_fts(posts_fts, rowid, title, body)" \
	" VALUES ('delete', old.id, old.title, old.body); END;\n" \
	"CREATE TRIGGER " IFNE "posts_fts_update AFTER UPDATE OF title, body" \
	" ON posts BEGIN" \
	" INSERT INTO posts_fts(posts_fts, rowid, title, body)" \
	" VALUES ('delete', old.id, old.title, old.body);" \
	" INSERT INTO posts_fts(rowid, title, body)" \
	" VALUES (new.id, new.title, new.body); END;\n"
/* The FTS triggers of v4 (v12 replaces those of comments). */
#define SEARCH_V4_TRIGGERS(IFNE) \
	SEARCH_POSTS_TRIGGERS(IFNE) \
	"CREATE TRIGGER " IFNE "comments_fts_insert AFTER INSERT ON comments" \
	" BEGIN" \
	" INSERT INTO comments_fts(rowid, body) VALUES (new.id, new.body);" \
	" END;\n" \
	"CREATE TRIGGER " IFNE "comments_fts_delete AFTER DELETE ON comments" \
	" BEGIN" \
	" INSERT INTO comments_fts(comments_fts, rowid, body)" \
	" VALUES ('delete', old.id, old.body); END;\n" \
	"CREATE TRIGGER " IFNE "comments_fts_update AFTER UPDATE OF body" \
	" ON comments BEGIN" \
	" INSERT INTO comments_fts(comments_fts, rowid, body)" \
	" VALUES ('delete', old.id, old.body);" \
	" INSERT INTO comments_fts(rowid, body) VALUES (new.id, new.body);" \
	" END;\n"
#define SEARCH_V4_REBUILD \
	"INSERT INTO posts_fts(posts_fts) VALUES ('rebuild');\n" \
	"INSERT INTO comments_fts(comments_fts) VALUES ('rebuild');\n"
#define SEARCH_V4_SQLITE \
	"CREATE VIRTUAL TABLE posts_fts USING fts5(title, body," \
	" content='posts', content_rowid='id'," \
	" tokenize='unicode61 remove_diacritics 0');\n" \
	"CREATE VIRTUAL TABLE comments_fts USING fts5(body," \
	" content='comments', content_rowid='id'," \
	" tokenize='unicode61 remove_diacritics 0');\n" \
	SEARCH_V4_TRIGGERS("") SEARCH_V4_REBUILD
#define SEARCH_V4_PG \
	"CREATE INDEX posts_search ON posts USING gin (to_tsvector('simple'," \
	" coalesce(title, '') || ' ' || coalesce(body, '')));\n" \
	"CREATE INDEX comments_search ON comments USING gin" \
	" (to_tsvector('simple', coalesce(body, '')));\n"

/*
 * v5: the inbox, mentions and private messages. The inbox is the
 * notifications table grown a kind (0 reply, 1 mention, 2 message, 3
 * notice: every older row is a moderator's notice), who it is from and
 * what it is about. mentions remembers who an item has notified, so an
 * edit that keeps a mention does not notify again. A conversation is
 * between two members; each side's *_cleared is the last message id it
 * deleted for itself, and each has a conversation_sides row for its list. Reports of messages go to the site admins, apart
 * from the communities' reports.
 */
#define SCHEMA_V5(SERIAL, I64, F64, BYTES, BYTEWISE, KEYED, INDEX_ID) \
	"ALTER TABLE notifications ADD COLUMN kind INTEGER NOT NULL" \
	" DEFAULT 3;\n" \
	"ALTER TABLE notifications ADD COLUMN from_id " I64 \
	" REFERENCES users(id);\n" \
	"ALTER TABLE notifications ADD COLUMN post_id " I64 ";\n" \
	"ALTER TABLE notifications ADD COLUMN comment_id " I64 ";\n" \
	\
	"CREATE TABLE mentions (" \
	" kind INTEGER NOT NULL," \
	" item_id " I64 " NOT NULL," \
	" user_id " I64 " NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	" PRIMARY KEY (kind, item_id, user_id))" KEYED ";\n" \
	\
	"CREATE TABLE conversations (" \
	" id " SERIAL " PRIMARY KEY," \
	" a_id " I64 " NOT NULL REFERENCES users(id)," \
	" b_id " I64 " NOT NULL REFERENCES users(id)," \
	" subject TEXT NOT NULL," \
	" created " I64 " NOT NULL," \
	" updated " I64 " NOT NULL," \
	" last_message " I64 " NOT NULL DEFAULT 0," \
	" a_cleared " I64 " NOT NULL DEFAULT 0," \
	" b_cleared " I64 " NOT NULL DEFAULT 0);\n" \
	/* One row per member, so that a member's list is one index walk \
	 * by the latest message. */ \
	"CREATE TABLE conversation_sides (" \
	" user_id " I64 " NOT NULL REFERENCES users(id)," \
	" conversation_id " I64 " NOT NULL REFERENCES conversations(id)," \
	" last_message " I64 " NOT NULL DEFAULT 0," \
	" PRIMARY KEY (user_id, conversation_id))" KEYED ";\n" \
	"CREATE INDEX conversation_sides_list" \
	" ON conversation_sides(user_id, last_message);\n" \
	"CREATE INDEX conversation_sides_conversation" \
	" ON conversation_sides(conversation_id);\n" \
	\
	"CREATE TABLE messages (" \
	" id " SERIAL " PRIMARY KEY," \
	" conversation_id " I64 " NOT NULL REFERENCES conversations(id)," \
	" sender_id " I64 " NOT NULL REFERENCES users(id)," \
	" body TEXT NOT NULL," \
	" body_html TEXT NOT NULL," \
	" created " I64 " NOT NULL);\n" \
	"CREATE INDEX messages_conversation ON messages(conversation_id, id);\n" \
	"CREATE INDEX messages_sender ON messages(sender_id, created);\n" \
	\
	"CREATE TABLE message_reports (" \
	" id " SERIAL " PRIMARY KEY," \
	" message_id " I64 " NOT NULL REFERENCES messages(id)," \
	" reporter_id " I64 " NOT NULL REFERENCES users(id)," \
	" reason TEXT NOT NULL," \
	" created " I64 " NOT NULL," \
	" resolved INTEGER NOT NULL DEFAULT 0);\n" \
	"CREATE UNIQUE INDEX message_reports_open" \
	" ON message_reports(message_id, reporter_id) WHERE resolved = 0;\n" \
	"CREATE INDEX message_reports_queue ON message_reports(resolved, id);\n"

/*
 * v6 (richer posts: edit history): revisions keeps every version of a
 * post, comment or community text that an edit replaced, one row each,
 * written in the edit's own transaction. kind is enum history_kind;
 * created is when that version was written (the item's created or its
 * edit before). author_id names the item's author so that erasing an
 * account erases its history with one index walk; communities.edited
 * dates a community's current description and rules. Then NSFW and
 * spoilers (richer posts too).
 */
#define SCHEMA_V6(SERIAL, I64, F64, BYTES, BYTEWISE, KEYED, INDEX_ID) \
	"CREATE TABLE revisions (" \
	" id " SERIAL " PRIMARY KEY," \
	" kind INTEGER NOT NULL," \
	" target_id " I64 " NOT NULL," \
	" author_id " I64 " REFERENCES users(id)," \
	" title TEXT," \
	" body TEXT," \
	" extra TEXT," \
	" created " I64 " NOT NULL);\n" \
	"CREATE INDEX revisions_target ON revisions(kind, target_id, id);\n" \
	"CREATE INDEX revisions_author ON revisions(author_id);\n" \
	"ALTER TABLE communities ADD COLUMN edited " I64 \
	" NOT NULL DEFAULT 0;\n" \
	/* NSFW and spoilers: a post's own spoiler mark (its nsfw is in v1), \
	 * a community-wide NSFW mark that covers all its posts, and a \
	 * member's choice to see NSFW titles and bodies. */ \
	"ALTER TABLE posts ADD COLUMN spoiler INTEGER NOT NULL DEFAULT 0;\n" \
	"ALTER TABLE communities ADD COLUMN nsfw INTEGER NOT NULL DEFAULT 0;\n" \
	"ALTER TABLE users ADD COLUMN show_nsfw INTEGER NOT NULL DEFAULT 0;\n" \
	/* Flair: a community's post flairs (colour a palette name or NULL), \
	 * members' flair in a community, and a post's flair by its text, \
	 * with an index per flair-filtered listing (hot, new). */ \
	"CREATE TABLE flairs (" \
	" id " SERIAL " PRIMARY KEY," \
	" community_id " I64 " NOT NULL REFERENCES communities(id)" \
	"  ON DELETE CASCADE," \
	" text TEXT NOT NULL," \
	" colour TEXT," \
	" created " I64 " NOT NULL);\n" \
	"CREATE UNIQUE INDEX flairs_text ON flairs(community_id, text);\n" \
	"CREATE TABLE user_flairs (" \
	" community_id " I64 " NOT NULL REFERENCES communities(id)" \
	"  ON DELETE CASCADE," \
	" user_id " I64 " NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	" text TEXT NOT NULL," \
	" PRIMARY KEY (community_id, user_id))" KEYED ";\n" \
	"ALTER TABLE posts ADD COLUMN flair TEXT;\n" \
	"CREATE INDEX posts_c_flair_hot" \
	" ON posts(community_id, flair, hot DESC, id DESC);\n" \
	"CREATE INDEX posts_c_flair_new" \
	" ON posts(community_id, flair, created DESC, id DESC);\n" \
	/* Polls: a poll post's closing time (0: never), its options in \
	 * order, and one vote per member; counts are counted from the \
	 * votes, so concurrent votes can never drift from them. */ \
	"CREATE TABLE polls (" \
	" post_id " I64 " PRIMARY KEY REFERENCES posts(id)," \
	" closes " I64 " NOT NULL DEFAULT 0)" KEYED ";\n" \
	"CREATE TABLE poll_options (" \
	" id " SERIAL " PRIMARY KEY," \
	" post_id " I64 " NOT NULL REFERENCES posts(id)," \
	" position INTEGER NOT NULL," \
	" text TEXT NOT NULL);\n" \
	"CREATE INDEX poll_options_post ON poll_options(post_id, position);\n" \
	"CREATE TABLE poll_votes (" \
	" post_id " I64 " NOT NULL REFERENCES posts(id)," \
	" user_id " I64 " NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	" option_id " I64 " NOT NULL REFERENCES poll_options(id)," \
	" created " I64 " NOT NULL," \
	" PRIMARY KEY (post_id, user_id))" KEYED ";\n" \
	"CREATE INDEX poll_votes_option ON poll_votes(option_id);\n" \
	"CREATE INDEX poll_votes_user ON poll_votes(user_id, created);\n"

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

/*
 * v8 (everyday features): ?flair= works for every sort, so each sort of
 * one flair's posts gets its index as hot and new have since v6 (the
 * cost of a filtered page stays an index walk from the cursor).
 */
#define SCHEMA_V8(SERIAL, I64, F64, BYTES, BYTEWISE, KEYED, INDEX_ID) \
	"CREATE INDEX IF NOT EXISTS posts_c_flair_top" \
	" ON posts(community_id, flair, score DESC, id DESC);\n" \
	"CREATE INDEX IF NOT EXISTS posts_c_flair_active" \
	" ON posts(community_id, flair, last_comment DESC, id DESC);\n" \
	"CREATE INDEX IF NOT EXISTS posts_c_flair_controversial" \
	" ON posts(community_id, flair, controversy DESC, id DESC);\n"

/*
 * Schema version 9: members' own invites. invites_creator counts the
 * codes a member made (their cap); users_invited, partial, walks the
 * members who came by a code, for the admins' list of who invited whom.
 */
#define SCHEMA_V9(SERIAL, I64, F64, BYTES, BYTEWISE, KEYED, INDEX_ID) \
	"CREATE INDEX IF NOT EXISTS invites_creator ON invites(creator_id);\n" \
	"CREATE INDEX IF NOT EXISTS users_invited ON users(id) " \
	"WHERE invited_by IS NOT NULL;\n"

/*
 * v10: the command line's actions in the mod log (issue 18). What `parley
 * admin` changes (roles, moderators, limits, pages, the site key) is
 * logged like an admin's action on the web, but nobody signed in did it:
 * such a line has no moderator (mod_id NULL) and /modlog.json names
 * "parley admin" as its moderator, a name no account can have (names
 * hold no spaces). PostgreSQL drops the NOT NULL; SQLite cannot, so it
 * copies the table into one without it, ids, chain and all (no table
 * refers to mod_actions), and makes its indexes again.
 */
#define SCHEMA_V10_SQLITE \
	"CREATE TABLE mod_actions_v10 (" \
	" id INTEGER PRIMARY KEY," \
	" community_id INTEGER REFERENCES communities(id)," \
	" mod_id INTEGER REFERENCES users(id)," \
	" action TEXT NOT NULL," \
	" kind INTEGER," \
	" target_id INTEGER," \
	" target_user_id INTEGER REFERENCES users(id)," \
	" reason TEXT," \
	" created INTEGER NOT NULL," \
	" expires INTEGER NOT NULL DEFAULT 0," \
	" seq INTEGER NOT NULL DEFAULT 0," \
	" prev TEXT," \
	" hash TEXT);\n" \
	"INSERT INTO mod_actions_v10 SELECT id, community_id, mod_id, action," \
	" kind, target_id, target_user_id, reason, created, expires, seq, prev," \
	" hash FROM mod_actions;\n" \
	"DROP TABLE mod_actions;\n" \
	"ALTER TABLE mod_actions_v10 RENAME TO mod_actions;\n" \
	"CREATE INDEX mod_actions_community ON mod_actions(community_id, id);\n" \
	"CREATE INDEX mod_actions_mod ON mod_actions(mod_id, id);\n" \
	"CREATE UNIQUE INDEX mod_actions_seq ON mod_actions(seq)" \
	" WHERE seq > 0;\n" \
	"CREATE INDEX mod_actions_unchained ON mod_actions(id) WHERE seq = 0;\n"
#define SCHEMA_V10_PG \
	"ALTER TABLE mod_actions ALTER COLUMN mod_id DROP NOT NULL;\n"

/*
 * v11, image uploads: one row per stored image, keyed by the hash of its
 * stored bytes (so the same picture uploaded twice is one row and one
 * file); deleted is when it was deleted (0: live), and the row stays so
 * that its address answers 410 and the day's usage still counts it.
 * posts.image is an image post's picture, "HASH.EXT".
 */
#define SCHEMA_V11(SERIAL, I64, F64, BYTES, BYTEWISE, KEYED, INDEX_ID) \
	"CREATE TABLE IF NOT EXISTS uploads (" \
	" hash TEXT" BYTEWISE " PRIMARY KEY," \
	" ext TEXT NOT NULL," \
	" user_id " I64 " NOT NULL REFERENCES users(id) ON DELETE CASCADE," \
	" bytes " I64 " NOT NULL," \
	" width INTEGER NOT NULL," \
	" height INTEGER NOT NULL," \
	" created " I64 " NOT NULL," \
	" deleted " I64 " NOT NULL DEFAULT 0)" KEYED ";\n" \
	"CREATE INDEX IF NOT EXISTS uploads_user ON uploads(user_id, created, hash);\n" \
	"ALTER TABLE posts ADD COLUMN image TEXT;\n"

/*
 * v12: new comments reach the SQLite search index off the request path
 * (docs/decisions/020-write-throughput.md). FTS5 writes a segment and
 * rewrites its structure record in every transaction that adds a row:
 * about half of a comment's pages and most of its CPU. So no trigger
 * indexes a new comment; search_done holds the highest comment id
 * indexed, and store_search_catch_up indexes the ones above it in one
 * transaction (a second's comments at a time, and before every search,
 * so search stays exact). Edits and deletions touch the index only for
 * comments it holds; a comment above the mark is read as it is when it
 * is indexed. The table is on PostgreSQL too (same version numbers),
 * where nothing uses it.
 */
#define SCHEMA_V12(SERIAL, I64, F64, BYTES, BYTEWISE, KEYED, INDEX_ID) \
	"CREATE TABLE search_done (" \
	" what TEXT PRIMARY KEY," \
	" upto " I64 " NOT NULL);\n"
#define SEARCH_MARK_COMMENTS \
	"(SELECT upto FROM search_done WHERE what = 'comments')"
/* The FTS triggers; IFNE is "" or "IF NOT EXISTS " (store__fts_restore). */
#define SEARCH_FTS_TRIGGERS(IFNE) \
	SEARCH_POSTS_TRIGGERS(IFNE) \
	"CREATE TRIGGER " IFNE "comments_fts_delete AFTER DELETE ON comments" \
	" WHEN old.id <= " SEARCH_MARK_COMMENTS " BEGIN" \
	" INSERT INTO comments_fts(comments_fts, rowid, body)" \
	" VALUES ('delete', old.id, old.body); END;\n" \
	"CREATE TRIGGER " IFNE "comments_fts_update AFTER UPDATE OF body" \
	" ON comments WHEN old.id <= " SEARCH_MARK_COMMENTS " BEGIN" \
	" INSERT INTO comments_fts(comments_fts, rowid, body)" \
	" VALUES ('delete', old.id, old.body);" \
	" INSERT INTO comments_fts(rowid, body) VALUES (new.id, new.body);" \
	" END;\n"
#define SEARCH_FTS_TRIGGER_COUNT 5
/* Indexes everything there is; the mark follows. */
#define SEARCH_FTS_REBUILD \
	SEARCH_V4_REBUILD \
	"INSERT INTO posts_fts(posts_fts) VALUES ('optimize');\n" \
	"INSERT INTO comments_fts(comments_fts) VALUES ('optimize');\n" \
	"UPDATE search_done SET upto = (SELECT coalesce(max(id), 0)" \
	" FROM comments) WHERE what = 'comments';\n"
#define SEARCH_V12_SQLITE \
	"DROP TRIGGER IF EXISTS comments_fts_insert;\n" \
	"DROP TRIGGER IF EXISTS comments_fts_delete;\n" \
	"DROP TRIGGER IF EXISTS comments_fts_update;\n" \
	"INSERT INTO search_done(what, upto) SELECT 'comments'," \
	" coalesce(max(id), 0) FROM comments;\n" \
	SEARCH_FTS_TRIGGERS("IF NOT EXISTS ")

/*
 * v13 (the page caches' epoch): a number every server raises after each
 * write, and `parley admin` and the other commands after theirs, so that
 * the page caches of other servers on the database see it (app_cache.c).
 * On SQLite the one row of cache_epoch, read only when PRAGMA
 * data_version says something changed. On PostgreSQL a sequence:
 * nextval takes no lock and is seen by the other sessions at once,
 * outside any transaction, where a row updated by every write would
 * serialise the writers. The table is there too, unused, so that both
 * databases have the same tables to copy.
 */
#define SCHEMA_V13(SERIAL, I64, F64, BYTES, BYTEWISE, KEYED, INDEX_ID) \
	"CREATE TABLE IF NOT EXISTS cache_epoch (id INTEGER PRIMARY KEY," \
	" n " I64 " NOT NULL);\n" \
	"INSERT INTO cache_epoch (id, n) VALUES (1, 0) ON CONFLICT DO NOTHING;\n"
#define SCHEMA_V13_PG \
	"CREATE SEQUENCE IF NOT EXISTS cache_epoch_seq;\n"

/*
 * v14 (the page caches' log): every server adds an entry after each
 * write, numbered and naming the cache counters the write raised, and
 * `parley admin` and the other commands one naming none (every page);
 * each cacheable request reads the entries after the last it has seen
 * (app_cache.c), so that a write on one server ends on the others only
 * what it changes. On PostgreSQL the sequence of v13 numbers them; on
 * SQLite the rowid (AUTOINCREMENT: a number is never used twice, even
 * should the table be emptied). The one-row table of v13 goes.
 */
#define SCHEMA_V14_SQLITE \
	"CREATE TABLE IF NOT EXISTS cache_log (" \
	" seq INTEGER PRIMARY KEY AUTOINCREMENT, slots TEXT NOT NULL);\n" \
	"DROP TABLE IF EXISTS cache_epoch;\n"
#define SCHEMA_V14_PG \
	"CREATE TABLE IF NOT EXISTS cache_log (" \
	" seq BIGINT PRIMARY KEY, slots TEXT NOT NULL);\n" \
	"DROP TABLE IF EXISTS cache_epoch;\n"

/*
 * v15 (votes and comments re-rank their post off the request path,
 * docs/decisions/025-rank-lag.md): on SQLite a vote on a post writes its
 * ups and downs, from which the score shown is read (ups - downs), a
 * comment its post's comment_count, and either queues the post here in
 * the same transaction (a comment with its time, so that the batch reads
 * no comment: a bulk load has no index on them); score, hot, controversy and last_comment, the
 * keys of twelve sort indexes, are then recomputed within a second by
 * store_rank_catch_up, so ranking order lags by at most that while the
 * score and count shown stay exact. A kill -9 loses nothing: the queue
 * commits with the write and is caught up at the next start. On
 * PostgreSQL votes and comments still re-rank in their own transaction
 * and the table stays empty.
 */
#define SCHEMA_V15(SERIAL, I64, F64, BYTES, BYTEWISE, KEYED, INDEX_ID) \
	"CREATE TABLE IF NOT EXISTS rank_queue (" \
	" post_id " I64 " PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE," \
	" last_comment " I64 " NOT NULL DEFAULT 0)" KEYED ";\n"

/*
 * v16 (a demo of millions of posts): a bulk load on SQLite drops the
 * secondary indexes of posts, comments and votes and builds each again
 * at its end with one sort, where keeping them costs a random insert per
 * index and row (docs/decisions/026-scale-and-memory.md). bulk_index
 * holds their definitions meanwhile, so that store_migrate builds them
 * should a load die in between. On PostgreSQL too, unused, so that both
 * have the same version numbers.
 */
#define SCHEMA_V16(SERIAL, I64, F64, BYTES, BYTEWISE, KEYED, INDEX_ID) \
	"CREATE TABLE IF NOT EXISTS bulk_index (name TEXT PRIMARY KEY," \
	" sql TEXT NOT NULL);\n"

/*
 * v17 (search at scale on PostgreSQL, docs/decisions/022-search-at-scale.md):
 * posts and comments keep their tsvector in a stored generated column,
 * search_tsv, which PostgreSQL computes on every insert and on an update
 * of the text (a vote does not recompute it), and the GIN indexes of v4
 * cover the column instead of the expression. A common word's bitmap
 * goes lossy past work_mem, and each row of a lossy page is checked
 * again: against the column that is a read, where the expression parsed
 * the text anew for every row (seconds at a million posts). Adding the
 * column rewrites both tables once. SQLite's FTS5 index of v4 needs
 * nothing: its part is empty. The column is derived, so parley migrate
 * and backup copy only the columns that are not generated.
 */
#define SCHEMA_V17_SQLITE ""
#define SCHEMA_V17_PG \
	"ALTER TABLE posts ADD COLUMN IF NOT EXISTS search_tsv tsvector" \
	" GENERATED ALWAYS AS (to_tsvector('simple'," \
	" coalesce(title, '') || ' ' || coalesce(body, ''))) STORED;\n" \
	"ALTER TABLE comments ADD COLUMN IF NOT EXISTS search_tsv tsvector" \
	" GENERATED ALWAYS AS (to_tsvector('simple', coalesce(body, '')))" \
	" STORED;\n" \
	"DROP INDEX IF EXISTS posts_search;\n" \
	"DROP INDEX IF EXISTS comments_search;\n" \
	"CREATE INDEX posts_search ON posts USING gin (search_tsv);\n" \
	"CREATE INDEX comments_search ON comments USING gin (search_tsv);\n"

/*
 * v18 (docs/decisions/028-write-path.md): the page caches' log on SQLite
 * without AUTOINCREMENT, which rewrote the sqlite_sequence row (a page of
 * every write's commit) to keep numbers from coming back after the
 * table is emptied. Nothing empties it: pruning keeps the newest
 * EPOCH_KEEP entries, so the next number (the largest rowid plus one)
 * never falls. The table is made again under its name. PostgreSQL
 * numbers entries by its sequence: nothing changes there.
 */
#define SCHEMA_V18_SQLITE \
	"CREATE TABLE IF NOT EXISTS cache_log_v18 (" \
	" seq INTEGER PRIMARY KEY, slots TEXT NOT NULL);\n" \
	"INSERT INTO cache_log_v18 (seq, slots) SELECT seq, slots" \
	" FROM cache_log;\n" \
	"DROP TABLE cache_log;\n" \
	"ALTER TABLE cache_log_v18 RENAME TO cache_log;\n"
#define SCHEMA_V18_PG \
	"CREATE TABLE IF NOT EXISTS cache_log (" \
	" seq BIGINT PRIMARY KEY, slots TEXT NOT NULL);\n"

/* Migration N is element N-1. Append only. */
const char *const store_sqlite_migrations[] = {
	SPELL(SCHEMA_V1, SQLITE_WORDS),
	SPELL(SCHEMA_V2, SQLITE_WORDS),
	SPELL(SCHEMA_V3, SQLITE_WORDS),
	/* saved, hidden and search */
	SPELL(SCHEMA_V4, SQLITE_WORDS) SEARCH_V4_SQLITE,
	/* the inbox, mentions and private messages */
	SPELL(SCHEMA_V5, SQLITE_WORDS),
	SPELL(SCHEMA_V6, SQLITE_WORDS), /* richer posts */
	SPELL(SCHEMA_V7, SQLITE_WORDS), /* api tokens, 2fa */
	SPELL(SCHEMA_V8, SQLITE_WORDS), /* everyday: flair sorts */
	SPELL(SCHEMA_V9, SQLITE_WORDS), /* members' invites */
	SCHEMA_V10_SQLITE, /* the command line's mod log lines */
	SPELL(SCHEMA_V11, SQLITE_WORDS), /* image uploads */
	/* new comments are searchable through store_search_catch_up */
	SPELL(SCHEMA_V12, SQLITE_WORDS) SEARCH_V12_SQLITE,
	SPELL(SCHEMA_V13, SQLITE_WORDS), /* the page caches' epoch */
	SCHEMA_V14_SQLITE, /* the page caches' log */
	SPELL(SCHEMA_V15, SQLITE_WORDS), /* posts re-ranked in batches */
	SPELL(SCHEMA_V16, SQLITE_WORDS), /* indexes a bulk load dropped */
	SCHEMA_V17_SQLITE, /* PostgreSQL's stored tsvector */
	SCHEMA_V18_SQLITE, /* the page caches' log without AUTOINCREMENT */
	NULL
};

/* Migration N is element N-1, with the same N as on SQLite. Append only. */
const char *const store_pg_migrations[] = {
	SPELL(SCHEMA_V1, PG_WORDS),
	SPELL(SCHEMA_V2, PG_WORDS),
	SPELL(SCHEMA_V3, PG_WORDS),
	SPELL(SCHEMA_V4, PG_WORDS) SEARCH_V4_PG,
	SPELL(SCHEMA_V5, PG_WORDS),
	SPELL(SCHEMA_V6, PG_WORDS), /* richer posts */
	SPELL(SCHEMA_V7, PG_WORDS), /* api tokens, 2fa */
	SPELL(SCHEMA_V8, PG_WORDS), /* everyday: flair sorts */
	SPELL(SCHEMA_V9, PG_WORDS), /* members' invites */
	SCHEMA_V10_PG, /* the command line's mod log lines */
	SPELL(SCHEMA_V11, PG_WORDS), /* image uploads */
	SPELL(SCHEMA_V12, PG_WORDS),
	SPELL(SCHEMA_V13, PG_WORDS) SCHEMA_V13_PG, /* the page caches' epoch */
	SCHEMA_V14_PG, /* the page caches' log */
	SPELL(SCHEMA_V15, PG_WORDS), /* posts re-ranked in batches */
	SPELL(SCHEMA_V16, PG_WORDS), /* indexes a bulk load dropped */
	SCHEMA_V17_PG, /* the stored tsvector the search indexes cover */
	SCHEMA_V18_PG, /* (SQLite's log without AUTOINCREMENT) */
	NULL
};

/*
 * A bulk load (parley demo, store_bulk) drops the SQLite search triggers
 * and store_bulk_end puts them back and rebuilds the index: filling it
 * once costs a small part of what a trigger per row does. The rebuild
 * leaves the index in many segments (13 at 1M posts), and every search
 * looks a word up in each: 'optimize' merges them into one, 21 s at 1M. store_migrate
 * restores them too, should a load have died between the two.
 */
const char store__fts_drop[] =
	"DROP TRIGGER IF EXISTS posts_fts_insert;"
	"DROP TRIGGER IF EXISTS posts_fts_delete;"
	"DROP TRIGGER IF EXISTS posts_fts_update;"
	"DROP TRIGGER IF EXISTS comments_fts_delete;"
	"DROP TRIGGER IF EXISTS comments_fts_update;";
const char store__fts_restore[] =
	SEARCH_FTS_TRIGGERS("IF NOT EXISTS ") SEARCH_FTS_REBUILD;

/*
 * Restores the SQLite search triggers and rebuilds the index when a bulk
 * load left them out; PostgreSQL has nothing to restore.
 */
int
store__fts_heal(struct store *s)
{
	int64_t have = SEARCH_FTS_TRIGGER_COUNT;
	int rc;

	if (s->be != &store_sqlite_backend)
		return STORE_OK;
	rc = store__run_count(s, STMT_SEARCH_TRIGGERS, NULL, 0, &have);
	if (rc != STORE_OK || have >= SEARCH_FTS_TRIGGER_COUNT)
		return rc;
	if ((rc = store_begin(s)) != STORE_OK)
		return rc;
	rc = s->be->script(s->conn, store__fts_restore);
	return store__tx_end(s, rc);
}

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
 * each missing migration in its own transaction, then makes the site key
 * on a first start and chains mod log lines older than schema v3
 * (store_trust_init). Running it on an up-to-date database changes
 * nothing. Returns STORE_OK, STORE_BUSY when
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
	/* Not SQL: the site key and the chaining of earlier log lines,
	 * then the indexes and the search index after an interrupted bulk
	 * load. */
	rc = store_trust_init(s, base_now());
	if (rc == STORE_OK && s->be->bulk_end != NULL)
		rc = s->be->bulk_end(s->conn);
	if (rc != STORE_OK)
		return rc;
	return store__fts_heal(s);
}

/* SPDX-License-Identifier: AGPL-3.0-or-later */
/*
 * store_int.h: the private interface between the store's domain layer
 * (store.c and the domain files store_user.c, store_community.c,
 * store_post.c, store_vote.c, store_mod.c, store_site.c; store_schema.c,
 * store_copy.c) and its database backends (store_sqlite.c and
 * store_pg.c), and the helpers the domain files share (store.c,
 * store_row.c). Nothing outside src/store includes it.
 *
 * A backend knows how to open a connection, run one statement by its enum
 * with bound values, and hand each result row to a callback. It knows
 * nothing of posts or votes: the domain layer decides which statement to
 * run, with which values, and how to read the columns back. The SQL of
 * every statement sits in one table indexed by enum store_stmt
 * (store_sql.c, in ?N form, with PostgreSQL's own text beside it where
 * the dialects differ); each backend has its own list of migrations
 * (store_schema.c), so adding a backend never touches the domain layer.
 *
 * Column order is part of the contract: every statement that returns a
 * user, community, post or comment selects the columns in the order of
 * the matching *_COL enum below, so one reader in store_row.c serves them
 * all.
 */
#ifndef PARLEY_STORE_INT_H
#define PARLEY_STORE_INT_H

#include "store.h"

#include <string.h>

/*
 * One entry per SQL statement. Comments give the bound parameters in
 * order (?1, ?2, ...) and what the statement returns.
 */
enum store_stmt {
	/* transactions: no parameters */
	STMT_BEGIN,              /* outermost; SQLite: BEGIN IMMEDIATE */
	STMT_COMMIT,
	STMT_ROLLBACK,
	STMT_SAVEPOINT,          /* nested begin */
	STMT_RELEASE,            /* nested commit */
	STMT_ROLLBACK_TO,        /* nested rollback (then RELEASE) */

	/* schema bookkeeping */
	STMT_SCHEMA_LOCK,        /* excludes other migrating processes until
	                            the transaction ends */
	STMT_SCHEMA_VERSION,     /* -> max version applied, 0 when none */
	STMT_SCHEMA_VERSION_ADD, /* version, now */

	/* settings */
	STMT_SETTING_GET,        /* key -> value */
	STMT_SETTING_SET,        /* key, value (upsert) */
	STMT_SETTING_ADD,        /* key, value; no-op when the key is set */

	/* users and sessions */
	STMT_USER_INSERT,        /* name, name_lc, pass, email, role, created */
	STMT_USER_GET,           /* id -> USER_COL */
	STMT_USER_BY_NAME,       /* name_lc -> USER_COL, pass */
	STMT_USER_SET_PASSWORD,  /* id, pass */
	STMT_USER_SET_ROLE,      /* id, role */
	STMT_USER_ADD_POINTS,    /* id, delta */
	STMT_SESSION_INSERT,     /* key, user_id, created, expires */
	STMT_SESSION_USER,       /* key, now -> VIEWER_COL, voted ranges,
	                            expires, show_nsfw */
	STMT_SESSION_DELETE,     /* key */
	STMT_SESSION_PURGE,      /* now: drops expired sessions */

	/* communities */
	STMT_COMMUNITY_INSERT,   /* name, name_lc, title, description,
	                            description_html, rules, rules_html,
	                            creator_id, created */
	STMT_COMMUNITY_BY_NAME,  /* name_lc -> COMMUNITY_COL */
	STMT_COMMUNITY_LIST_SUBSCRIBERS, /* limit -> COMMUNITY_COL */
	STMT_COMMUNITY_LIST_NAME,        /* limit -> COMMUNITY_COL */
	STMT_COMMUNITY_ADD_POST, /* id: post_count + 1 */
	STMT_COMMUNITY_MODS,     /* community_id -> USER_COL, by position */
	STMT_MODERATOR_ADD,      /* community_id, user_id, created; appends */
	STMT_SUBSCRIBE,          /* user_id, community_id, created; no-op when
	                            already subscribed */
	STMT_UNSUBSCRIBE,        /* user_id, community_id */
	STMT_SUBSCRIBED,         /* user_id, community_id -> 1 */
	STMT_COMMUNITY_ADD_SUBSCRIBERS, /* id, delta */

	/* posts */
	STMT_POST_INSERT,        /* community_id, author_id, title, url, body,
	                            body_html, created, hot, locked, stickied,
	                            nsfw, held */
	STMT_POST_GET,           /* viewer_id, id -> POST_COL */
	STMT_POST_BRIEF,         /* id -> POST_COL, some NULL or 0 */
	STMT_POST_CURSOR,        /* id -> hot, created, score, last_comment,
	                            controversy */
	/*
	 * Listings. All take ?1 viewer_id, ?2 cursor key, ?3 cursor id,
	 * ?4 include_stickied, ?5 limit; the _C forms add ?6 community_id;
	 * the TOP forms then add since (?6, or ?7 with _C). They return
	 * POST_COL rows with (key, id) < (?2, ?3), in (key DESC, id DESC).
	 */
	STMT_POST_LIST_HOT,
	STMT_POST_LIST_HOT_C,
	STMT_POST_LIST_NEW,
	STMT_POST_LIST_NEW_C,
	STMT_POST_LIST_TOP,
	STMT_POST_LIST_TOP_C,
	STMT_POST_LIST_ACTIVE,
	STMT_POST_LIST_ACTIVE_C,
	STMT_POST_LIST_CONTROVERSIAL,
	STMT_POST_LIST_CONTROVERSIAL_C,
	STMT_POST_LIST_AUTHOR,   /* as above, key = created, ?6 author_id */
	STMT_POST_EDIT,          /* id, title (NULL keeps it), body,
	                            body_html, edited */
	STMT_POST_DELETE,        /* id */
	STMT_POST_VOTE_TARGET,   /* id -> author_id, ups, downs, created */
	STMT_POST_SET_VOTES,     /* id, ups, downs, score, hot, controversy */
	STMT_POST_ADD_COMMENT,   /* id, created: comment_count + 1 */

	/* comments */
	STMT_COMMENT_INSERT,     /* post_id, parent_id, author_id, body,
	                            body_html, created, depth, held */
	STMT_COMMENT_GET,        /* viewer_id, id -> COMMENT_COL */
	STMT_COMMENT_PARENT,     /* id -> post_id, depth */
	STMT_COMMENT_LIST,       /* viewer_id, post_id -> COMMENT_COL by id */
	STMT_COMMENT_CURSOR,     /* id -> created */
	STMT_COMMENT_BY_AUTHOR,  /* author_id, cursor created, cursor id,
	                            limit -> COMMENT_COL, post title,
	                            community name, the post's deleted,
	                            removed, held, nsfw */
	STMT_COMMENT_EDIT,       /* id, body, body_html, edited */
	STMT_COMMENT_DELETE,     /* id */
	STMT_COMMENT_VOTE_TARGET, /* id -> author_id, ups, downs, created */
	STMT_COMMENT_SET_VOTES,  /* id, ups, downs, score */

	/* votes */
	STMT_VOTE_GET,           /* user_id, kind, target_id -> dir */
	STMT_VOTE_UPSERT,        /* user_id, kind, target_id, dir, created */
	STMT_VOTE_DELETE,        /* user_id, kind, target_id */
	STMT_VOTES_ON,           /* user_id, kind, VOTES_ON_IDS target ids
	                            -> target_id, dir of those voted on */
	STMT_COMMENT_VOTES_OF_POST, /* user_id, VOTE_COMMENT, post_id ->
	                            target_id, dir of the user's votes on
	                            the post's comments */

	/* site pages */
	STMT_PAGE_GET,           /* slug -> slug, title, body, body_html,
	                            editor name, updated */
	STMT_PAGE_SET,           /* slug, title, body, body_html, editor_id,
	                            updated (upsert) */

	/* moderation (schema v2) */
	STMT_COMMUNITY_BY_ID,    /* id -> COMMUNITY_COL */
	STMT_COMMUNITY_EDIT,     /* id, title (NULL keeps it), description,
	                            description_html, rules, rules_html */
	STMT_IS_MODERATOR,       /* community_id, user_id -> 1 */
	STMT_MODERATOR_REMOVE,   /* community_id, user_id */
	STMT_POST_STICKIED,      /* viewer_id, community_id -> POST_COL of
	                            shown stickied posts, newest first, max 2 */
	STMT_POST_STICKY_COUNT,  /* id -> count of the other shown stickied
	                            posts in that post's community */
	STMT_POST_SET_STICKIED,  /* id, stickied */
	STMT_POST_SET_REMOVED,   /* id, removed, removed_reason */
	STMT_POST_SET_LOCKED,    /* id, locked */
	STMT_POST_SET_HELD,      /* id, held */
	STMT_POST_HELD,          /* viewer_id, community_id, limit -> POST_COL
	                            of held posts, oldest (lowest id) first */
	STMT_COMMENT_SET_REMOVED, /* id, removed, removed_reason */
	STMT_COMMENT_SET_HELD,   /* id, held */
	STMT_COMMENT_HELD,       /* community_id, limit -> COMMENT_COL, post
	                            title, community name; oldest first */
	STMT_BAN_DELETE,         /* user_id, community_id (NULL: site-wide) */
	STMT_BAN_INSERT,         /* community_id (NULL: site-wide), user_id,
	                            mod_id (NULL), reason, created, expires */
	STMT_BAN_ACTIVE,         /* user_id, community_id (NULL: site-wide),
	                            now -> coalesce(community_id, 0), reason,
	                            expires; expires = 0 or > now */
	STMT_REPORT_INSERT,      /* kind, target_id, community_id, reporter_id,
	                            reason, created; unique while open */
	STMT_REPORT_QUEUE,       /* community_id, limit -> id, kind,
	                            target_id, reason, created; open, by id */
	STMT_REPORT_RESOLVE,     /* kind, target_id, resolver_id (NULL), now:
	                            closes every open report on the item */
	STMT_MODLOG_INSERT,      /* community_id (NULL), mod_id, action, kind
	                            (NULL), target_id (NULL), target_user_id
	                            (NULL), reason, created, expires */
	/*
	 * Mod log pages: ?1 id cursor (lines with id < ?1), ?2 limit, ?3
	 * mod_id (0 = any), ?4 action (NULL = any); _C adds ?5 community_id.
	 * _MOD requires ?3 and walks the moderator's index. They return id,
	 * community name (NULL), mod name, action, kind, target_id, target
	 * user name (NULL), reason, created, expires, seq, prev, hash, by id
 * descending.
	 */
	STMT_MODLOG_LIST,
	STMT_MODLOG_LIST_C,
	STMT_MODLOG_LIST_MOD,

	/* users protecting themselves (schema v2) */
	STMT_BLOCK_INSERT,       /* user_id, blocked_id, created; no-op when
	                            already blocked */
	STMT_BLOCK_DELETE,       /* user_id, blocked_id */
	STMT_BLOCKED_IDS,        /* user_id -> blocked_id, ascending */
	STMT_IS_BLOCKED,         /* user_id, blocked_id -> 1 */
	STMT_NOTIFY_INSERT,      /* user_id, text, link, created */
	STMT_NOTIFICATIONS,      /* user_id, limit -> id, text, link, created,
	                            seen; newest first */
	STMT_NOTIFICATIONS_SEEN, /* user_id */
	STMT_SESSION_END_OTHERS, /* user_id, key to keep (empty blob: none) */
	STMT_USER_DELETE,        /* id: deleted = 1, pass = '', email NULL */
	STMT_POST_ERASE_AUTHOR,  /* author_id: every post as STMT_POST_DELETE */
	STMT_COMMENT_ERASE_AUTHOR, /* author_id: as STMT_COMMENT_DELETE */
	STMT_VOTES_BY_USER,      /* user_id, created bound (created < ?2),
	                            limit -> kind, target_id, dir, created;
	                            by (created, kind, target_id) descending */
	STMT_VOTES_BY_USER_AT,   /* user_id, created -> kind, target_id, dir,
	                            created of that second, same order */

	/* abuse limits (schema v2) */
	STMT_POST_COUNT_SINCE,   /* author_id, since -> count */
	STMT_COMMENT_COUNT_SINCE, /* author_id, since -> count */
	STMT_VOTE_COUNT_SINCE,   /* user_id, since -> count */
	STMT_RATE_HIT,           /* key, at */
	STMT_RATE_COUNT,         /* key, since -> count of at >= since */
	STMT_RATE_PURGE,         /* before: drops at < before */

	/* trust: the chained mod log, site keys, canaries (schema v3) */
	STMT_MODLOG_HEAD_LOCK,   /* -> seq, hash, time, signature of the head;
	                            PostgreSQL locks the row: appends queue */
	STMT_MODLOG_HEAD_SET,    /* seq, hash, time, signature */
	STMT_MODLOG_ENTRY,       /* id -> the columns of MODLOG_LIST */
	STMT_MODLOG_SET_CHAIN,   /* id, seq, prev, hash */
	STMT_MODLOG_UNCHAINED,   /* limit -> id of lines with seq 0, by id */
	STMT_KEY_INSERT,         /* public_key, secret_key, created */
	STMT_KEY_CURRENT,        /* -> id, public_key, secret_key, created */
	STMT_KEY_RETIRE,         /* id, retired, successor, statement_sig */
	STMT_KEY_HISTORY,        /* -> public_key, created, retired,
	                            successor, statement_sig of retired keys,
	                            oldest first */
	STMT_CANARY_INSERT,      /* text, date, signature, public_key,
	                            admin_id (NULL) */
	STMT_CANARY_CURRENT,     /* -> text, date, signature, public_key, id */
	STMT_CANARY_RESIGN,      /* id, signature, public_key */

	/* copying a whole database (store_copy.c) */
	STMT_TABLES,             /* -> name of every table, by name */
	STMT_TABLE_COLUMNS,      /* table -> its column names, in order */
	STMT_SEQUENCE_SET,       /* table, largest id: the next generated id
	                            follows it (PostgreSQL; SQLite does so
	                            by itself) */

	/* api tokens (schema v7) */
	STMT_TOKEN_INSERT,       /* user_id, name, key, scopes, created */
	STMT_TOKEN_USER,         /* key -> USER_COL, plain, unseen (as
	                            STMT_SESSION_USER), token id, scopes */
	STMT_TOKEN_TOUCH,        /* id, now: last_used = now unless it was
	                            set within the last minute */
	STMT_TOKEN_LIST,         /* user_id -> id, name, scopes, created,
	                            last_used; newest first */
	STMT_TOKEN_DELETE,       /* id, user_id */

	/* two-factor sign-in (schema v7) */
	STMT_TOTP_GET,           /* user_id -> totp_secret, totp_pending,
	                            totp_last_step */
	STMT_TOTP_SET_PENDING,   /* user_id, secret */
	STMT_TOTP_CONFIRM,       /* user_id, step: the pending secret becomes
	                            the secret */
	STMT_TOTP_STEP,          /* user_id, step: only forward */
	STMT_TOTP_DISABLE,       /* user_id */
	STMT_RECOVERY_CLEAR,     /* user_id */
	STMT_RECOVERY_ADD,       /* user_id, key */
	STMT_RECOVERY_USE,       /* user_id, key: deletes it */

	/* a member's sessions (schema v7) */
	STMT_SESSION_SET_INFO,   /* key, address, agent */
	STMT_SESSION_TOUCH,      /* key, now: last_seen = now unless it was
	                            set within the last minute */
	STMT_SESSIONS_LIST,      /* user_id, now -> key, created, last_seen,
	                            address, agent; newest first */
	STMT_SESSION_END_USER,   /* user_id, key */

	/* invitations (schema v7) */
	STMT_INVITE_INSERT,      /* key, creator_id, uses, expires, created */
	STMT_INVITE_USE,         /* key, now: one use fewer, while any are
	                            left and it has not expired */
	STMT_INVITE_CREATOR,     /* key -> creator_id */
	STMT_USER_SET_INVITED_BY, /* id, inviter id */
	/* members' invites (schema v9) */
	STMT_INVITE_COUNT,       /* creator_id -> codes made */
	STMT_INVITED_LIST,       /* user id cursor, limit -> id, name,
	                            inviter's name, created; newest first */
	STMT_USER_INVITER,       /* user id -> the same row, when invited */
	/* saved and hidden (schema v4) */
	STMT_SAVE_INSERT,        /* user_id, kind, target_id, created; no-op
	                            when saved already */
	STMT_SAVE_DELETE,        /* user_id, kind, target_id */
	STMT_SAVED_POSTS,        /* user_id, save id cursor, limit ->
	                            POST_COL, save id; newest save first */
	STMT_SAVED_COMMENTS,     /* user_id, save id cursor, limit ->
	                            COMMENT_COL, POST_COL, save id */
	STMT_HIDE_INSERT,        /* user_id, post_id, created; no-op when
	                            hidden already */
	STMT_HIDE_DELETE,        /* user_id, post_id */
	STMT_HIDDEN_POSTS,       /* user_id, hide id cursor, limit ->
	                            POST_COL, hide id; newest first */

	/* search (schema v4): parameters in store_sql.c (SEARCH_POSTS);
	 * posts -> POST_COL, key; comments -> COMMENT_COL, POST_COL, key */
	STMT_SEARCH_POSTS_RELEVANCE,
	STMT_SEARCH_POSTS_NEW,
	STMT_SEARCH_POSTS_TOP,
	STMT_SEARCH_COMMENTS_RELEVANCE,
	STMT_SEARCH_COMMENTS_NEW,
	STMT_SEARCH_COMMENTS_TOP,
	STMT_SEARCH_UPTO,        /* -> the newest post and comment ids */

	/* Home: listings as STMT_POST_LIST_* (?1 the member), narrowed to
	 * the communities ?1 subscribes to; TOP adds ?6 since */
	STMT_POST_LIST_HOT_HOME,
	STMT_POST_LIST_NEW_HOME,
	STMT_POST_LIST_TOP_HOME,
	STMT_POST_LIST_ACTIVE_HOME,
	STMT_POST_LIST_CONTROVERSIAL_HOME,
	/* Home as a merge (store_home.c) */
	STMT_SUBSCRIPTION_IDS,   /* user_id, limit -> community_id, its
	                            post_count, the highest post id; in order */
	STMT_HOME_KEYS_HOT,      /* community, key, id, limit (TOP: since)
	                            -> key, id, unfiltered (store_home.c) */
	STMT_HOME_KEYS_NEW,
	STMT_HOME_KEYS_TOP,
	STMT_HOME_KEYS_ACTIVE,
	STMT_HOME_KEYS_CONTROVERSIAL,
	STMT_POST_BY_IDS,        /* viewer, VOTES_ON_IDS ids (0: none) ->
	                            POST_COL, in no order */
	STMT_SEARCH_TRIGGERS,    /* -> count of the SQLite search triggers
	                            (store__fts_heal) */
	STMT_SEARCH_PENDING,     /* -> 1 when comments await the SQLite
	                            search index (schema v12), else 0 */
	STMT_SEARCH_CATCH_UP,    /* indexes the comments above the mark */
	STMT_SEARCH_MARK,        /* moves the mark to the newest comment */
	STMT_SEARCH_UNMARK,      /* no comment is indexed (store_copy) */
	/* inbox, mentions and private messages (schema v5) */
	STMT_INBOX_ADD,          /* user_id, kind, from_id (NULL), text, link,
	                            post_id (NULL), comment_id (NULL), created;
	                            no row when user_id blocks from_id */
	STMT_INBOX_LIST,         /* user_id, id cursor (id < ?2), limit -> id,
	                            kind, seen, created, from name (NULL),
	                            text, link, post_id, comment_id; newest
	                            first */
	STMT_INBOX_READ,         /* user_id, id */
	STMT_MENTION_ADD,        /* kind, item_id, user_id; no-op when that
	                            user was already mentioned by the item */
	STMT_CONVERSATION_INSERT, /* a_id, b_id, subject, created */
	STMT_MESSAGE_INSERT,     /* conversation_id, sender_id, body,
	                            body_html, created */
	STMT_CONVERSATION_BUMP,  /* id, last message id, updated */
	STMT_CONVERSATION_GET,   /* id -> CONVERSATION columns */
	STMT_CONVERSATIONS,      /* user_id, limit -> CONVERSATION columns of
	                            those with a message the user has not
	                            deleted, latest message first */
	STMT_MESSAGES_OF,        /* conversation_id, id floor (id > ?2) ->
	                            MESSAGE columns, by id */
	STMT_MESSAGE_GET,        /* id -> MESSAGE columns */
	STMT_CONVERSATION_CLEAR, /* id, user_id: the user's side forgets the
	                            messages up to the last one */
	STMT_MESSAGE_COUNT_SINCE, /* sender_id, since -> count */
	STMT_MESSAGE_REPORT_INSERT, /* message_id, reporter_id, reason,
	                            created; unique while open */
	STMT_MESSAGE_REPORT_QUEUE, /* limit -> id, message_id,
	                            conversation_id, reason, created; open,
	                            by id */
	STMT_MESSAGE_REPORTED,   /* conversation_id -> 1 when one of its
	                            messages has an open report */
	STMT_MESSAGE_REPORT_RESOLVE, /* conversation_id: closes the open
	                            reports on its messages */
	STMT_CONVERSATION_SIDE_ADD, /* user_id, conversation_id */
	STMT_CONVERSATION_SIDES_BUMP, /* conversation_id, last message id */
	STMT_INBOX_READ_LINK,    /* user_id, kind, link: the unread items of
	                            that kind that link there */
	/* richer posts: edit history (schema v6, store_history.c) */
	STMT_HISTORY_SAVE_POST,  /* id: keeps the post's title and body as
	                            they are, dated edited or created */
	STMT_HISTORY_SAVE_COMMENT, /* id: the same for a comment's body */
	STMT_HISTORY_SAVE_COMMUNITY, /* id: title, description, rules */
	STMT_COMMUNITY_SET_EDITED, /* id, edited */
	STMT_COMMUNITY_EDITED,   /* id -> edited, created */
	STMT_HISTORY_LIST,       /* kind, target_id -> id, title, body,
	                            extra, created; newest first */
	STMT_HISTORY_DELETE,     /* kind, target_id */
	STMT_HISTORY_ERASE_AUTHOR, /* author_id: posts' and comments' */

	/* richer posts: nsfw and spoiler (schema v6) */
	STMT_POST_SET_MARKS,     /* id, nsfw, spoiler */
	STMT_COMMUNITY_NSFW,     /* id -> nsfw */
	STMT_COMMUNITY_SET_NSFW, /* id, nsfw */
	STMT_USER_SHOW_NSFW,     /* id -> show_nsfw */
	STMT_USER_SET_SHOW_NSFW, /* id, show_nsfw */

	/* richer posts: flair (schema v6, store_flair.c) */
	STMT_FLAIR_INSERT,       /* community_id, text, colour, created */
	STMT_FLAIR_DELETE,       /* community_id, text */
	STMT_FLAIR_LIST,         /* community_id -> text, colour; by text */
	STMT_FLAIR_GET,          /* community_id, text -> text, colour */
	STMT_USER_FLAIR_SET,     /* community_id, user_id, text (upsert) */
	STMT_USER_FLAIR_DELETE,  /* community_id, user_id */
	STMT_POST_SET_FLAIR,     /* id, flair (NULL: none) */
	STMT_POST_LIST_HOT_F,    /* as STMT_POST_LIST_HOT_C, ?7 flair */
	STMT_POST_LIST_NEW_F,    /* as STMT_POST_LIST_NEW_C, ?7 flair */
	STMT_POST_LIST_TOP_F,    /* as STMT_POST_LIST_TOP_C, ?7 flair, ?8
	                            since */
	STMT_POST_LIST_ACTIVE_F, /* as STMT_POST_LIST_ACTIVE_C, ?7 flair */
	STMT_POST_LIST_CONTROVERSIAL_F, /* as ..._CONTROVERSIAL_C, ?7 flair */

	/* richer posts: polls (schema v6, store_poll.c) */
	STMT_POLL_INSERT,        /* post_id, closes */
	STMT_POLL_OPTION_INSERT, /* post_id, position, text */
	STMT_POLL_GET,           /* post_id -> closes */
	STMT_POLL_OPTIONS,       /* post_id -> id, text, votes; by position */
	STMT_POLLS_ON,           /* viewer, VOTES_ON_IDS post ids -> post_id,
	                            closes, option id, text, votes, voted;
	                            by post, then position */
	STMT_POLL_VOTED,         /* post_id, user_id -> option_id */
	STMT_POLL_OPTION_POST,   /* option id -> post_id */
	STMT_POLL_VOTE,          /* post_id, user_id, option_id, created
	                            (upsert: one vote per member) */

	/* image uploads (schema v11, store_upload.c) */
	STMT_UPLOAD_GET,         /* hash -> UPLOAD_COL */
	STMT_UPLOAD_INSERT,      /* hash, ext, user_id, bytes, width, height,
	                            created; nothing when the hash is there */
	STMT_UPLOAD_USAGE,       /* user_id, since -> count, bytes */
	STMT_UPLOAD_DELETE,      /* hash, now: a live one */
	STMT_UPLOAD_LIVE_BY_USER, /* user_id -> UPLOAD_COL of live ones */
	STMT_UPLOAD_PURGE,       /* user_id, now: every live one */
	STMT_UPLOAD_RECENT,      /* user_id, limit -> UPLOAD_COL of live
	                            ones, newest first */
	STMT_POST_SET_IMAGE,     /* id, image ("HASH.EXT") */
	/* the page caches' log (schema v14, store.c) */
	STMT_EPOCH_LAST,         /* -> the newest entry's seq, or 0 */
	STMT_EPOCH_SINCE,        /* seq, limit -> seq, slots of the entries
	                            after seq, oldest first */
	STMT_EPOCH_LOG,          /* slots; last_id: the new entry's seq */
	STMT_EPOCH_PRUNE,        /* seq: drops it and older entries */
	/* posts re-ranked in batches (schema v15, store_vote.c) */
	STMT_POST_SET_UPS,       /* id, ups, downs: the rank lags */
	STMT_RANK_QUEUE_ADD,     /* post_id, a comment's created (0: a
	                            vote); the queue keeps the newest */
	STMT_POST_COUNT_COMMENT, /* id: comment_count + 1, last_comment
	                            lags */
	STMT_RANK_QUEUE_LIST,    /* limit -> id, community_id, ups, downs,
	                            created, newest queued comment's created
	                            (0: none) of queued posts, by id */
	STMT_POST_SET_RANK,      /* id, score, hot, controversy, a comment's
	                            created (last_comment moves up to it) */
	STMT_RANK_QUEUE_DONE,    /* post_id: the queue up to it */
	STMT_RANK_QUEUE_ANY,     /* -> a row when a post is queued */

	STMT__COUNT
};

/*
 * The SQL of one statement. Both texts number their placeholders ?1,
 * ?2, ...; store_pg.c writes them $1, $2, ... (store__sql_dollars).
 */
struct store_sql {
	const char *sql;         /* what both run; SQLite's alone when pg is
	                            set */
	const char *pg;          /* PostgreSQL's own text, or NULL */
};

extern const struct store_sql store__sql[STMT__COUNT];

void store__sql_dollars(const char *sql, char *out);

/* The text statement id runs on PostgreSQL, still in ?N form. */
static inline const char *
store__sql_pg(enum store_stmt id)
{
	return store__sql[id].pg != NULL ? store__sql[id].pg :
	    store__sql[id].sql;
}

/* Column order of a user row. */
enum user_col {
	USER_COL_ID, USER_COL_NAME, USER_COL_EMAIL, USER_COL_CREATED,
	USER_COL_ROLE, USER_COL_POINTS, USER_COL_DELETED,
	USER_COL__COUNT
};

/* Columns of a VIEWER_COLS row (store_sql.c): the user's, then class,
 * unseen and the subscriptions (struct viewer). */
#define VIEWER_COL__COUNT (USER_COL__COUNT + 3)

/* Column order of a community row. */
enum community_col {
	COMMUNITY_COL_ID, COMMUNITY_COL_NAME, COMMUNITY_COL_TITLE,
	COMMUNITY_COL_DESCRIPTION, COMMUNITY_COL_DESCRIPTION_HTML,
	COMMUNITY_COL_RULES, COMMUNITY_COL_RULES_HTML,
	COMMUNITY_COL_CREATOR_ID, COMMUNITY_COL_CREATED,
	COMMUNITY_COL_SUBSCRIBERS, COMMUNITY_COL_POST_COUNT,
	COMMUNITY_COL__COUNT
};

/* Column order of a post row. */
enum post_col {
	POST_COL_ID, POST_COL_COMMUNITY_ID, POST_COL_COMMUNITY,
	POST_COL_AUTHOR_ID, POST_COL_AUTHOR, POST_COL_TITLE, POST_COL_URL,
	POST_COL_BODY, POST_COL_BODY_HTML, POST_COL_CREATED, POST_COL_EDITED,
	POST_COL_SCORE, POST_COL_UPS, POST_COL_DOWNS, POST_COL_COMMENT_COUNT,
	POST_COL_LAST_COMMENT, POST_COL_LOCKED, POST_COL_STICKIED,
	POST_COL_NSFW, POST_COL_REMOVED, POST_COL_DELETED,
	POST_COL_REMOVED_REASON, POST_COL_MY_VOTE,
	POST_COL_HELD,
	POST_COL_SAVED, POST_COL_HIDDEN, /* by the viewer (schema v4) */
	POST_COL_SPOILER,        /* richer posts: nsfw and spoiler */
	POST_COL_FLAIR,          /* richer posts: flair */
	POST_COL_AUTHOR_FLAIR,
	POST_COL_FLAIR_COLOUR,
	POST_COL_HAS_POLL,       /* richer posts: polls */
	POST_COL_IMAGE,          /* image uploads: "HASH.EXT" or NULL */
	POST_COL__COUNT
};

/* Column order of a comment row. */
enum comment_col {
	COMMENT_COL_ID, COMMENT_COL_POST_ID, COMMENT_COL_PARENT_ID,
	COMMENT_COL_AUTHOR_ID, COMMENT_COL_AUTHOR, COMMENT_COL_BODY,
	COMMENT_COL_BODY_HTML, COMMENT_COL_CREATED, COMMENT_COL_EDITED,
	COMMENT_COL_SCORE, COMMENT_COL_UPS, COMMENT_COL_DOWNS,
	COMMENT_COL_DEPTH, COMMENT_COL_REMOVED, COMMENT_COL_DELETED,
	COMMENT_COL_REMOVED_REASON, COMMENT_COL_MY_VOTE,
	COMMENT_COL_HELD,
	COMMENT_COL_SAVED,       /* by the viewer (schema v4) */
	COMMENT_COL_AUTHOR_FLAIR, /* richer posts: flair */
	COMMENT_COL__COUNT
};

/* The type of a bound value or a result column. */
enum store_type {
	STORE_T_NULL,
	STORE_T_INT,
	STORE_T_REAL,
	STORE_T_TEXT,
	STORE_T_BLOB,
};

/*
 * One bound parameter or one column of a result row. For parameters, p
 * borrows the caller's memory for the duration of exec. For result rows,
 * p points into the backend's memory and stays valid only until the row
 * callback returns: the domain layer copies what it keeps into an arena.
 */
struct store_val {
	enum store_type type;
	int64_t i;               /* STORE_T_INT */
	double d;                /* STORE_T_REAL */
	const char *p;           /* STORE_T_TEXT, STORE_T_BLOB: the bytes */
	size_t len;              /* length of p in bytes */
};

/*
 * Called once per result row with ncols columns. Returns STORE_OK to go
 * on; any other value stops the statement and becomes exec's result.
 */
typedef int (*store_row_fn)(void *data, const struct store_val *row,
    size_t ncols);

/*
 * A database backend, chosen by store_open from the URL's scheme. Every
 * function returning int returns an enum store_rc and logs what it maps
 * to STORE_ERR or STORE_FULL. conn is the backend's own connection state.
 */
struct store_backend {
	const char *name;        /* for log lines: "sqlite" */
	void *(*open)(const char *target); /* NULL on failure, logged */
	void (*close)(void *conn);         /* accepts NULL */
	int (*begin)(void *conn, bool nested);
	int (*commit)(void *conn, bool nested);
	int (*rollback)(void *conn, bool nested);
	int (*exec)(void *conn, enum store_stmt stmt,
	    const struct store_val *params, size_t nparams,
	    store_row_fn row_cb, void *cb_data);
	int (*sql)(void *conn, const char *sql,
	    const struct store_val *params, size_t nparams,
	    store_row_fn row_cb, void *cb_data); /* one statement built at
	                                            run time by store_copy.c
	                                            ($n parameters), not
	                                            kept prepared */
	int (*script)(void *conn, const char *sql); /* several statements,
	                                               no parameters */
	int (*backup)(void *conn, const char *path); /* a live copy into a
	                                               file; NULL where the
	                                               database's own tools
	                                               do it (PostgreSQL) */
	int64_t (*changes)(void *conn);  /* rows touched by the last write */
	int64_t (*last_id)(void *conn);  /* id of the last inserted row;
	                                    PostgreSQL: lastval() */
	int (*bulk)(void *conn);         /* prepare for loading much data
	                                    (parley demo); NULL: nothing to do */
	int (*bulk_end)(void *conn);     /* undo bulk, also after a load
	                                    that died; NULL: nothing to do */
	int (*changed_elsewhere)(void *conn, bool *changed); /* another
	                                    connection committed since the
	                                    last call; NULL where the backend
	                                    cannot tell cheaply (PostgreSQL) */
	const char *const *migrations;   /* migration N is migrations[N-1];
	                                    NULL after the last */
};

/* The operations every backend defines under its own prefix, as Redis's
 * ae_*.c backends share function names: PREFIX_open, PREFIX_close... */
#define STORE_BACKEND_OPS(prefix) \
	.open = prefix##_open, .close = prefix##_close, \
	.begin = prefix##_begin, .commit = prefix##_commit, \
	.rollback = prefix##_rollback, .exec = prefix##_exec, \
	.sql = prefix##_sql, .script = prefix##_script, \
	.changes = prefix##_changes, .last_id = prefix##_last_id

#define VOTES_ON_IDS 32 /* target ids STMT_VOTES_ON takes at once */

/* One open database: a backend, its connection and the transaction depth. */
struct store {
	const struct store_backend *be;
	void *conn;              /* owned; released by be->close */
	int depth;               /* open begins: 0 none, 1 outer, >1 nested */
	bool log_unread;         /* SQLite: another connection committed
	                            since the log was last read (store_epoch) */
	bool log_armed;          /* the next outermost commit logs log_slots
	                            (store_epoch_at_commit) */
	uint16_t log_slots[EPOCH_SLOTS_MAX];
	size_t log_n;            /* of log_slots; 0: every page */
	int64_t log_seq;         /* the entry the last such commit added; 0:
	                            none since store_epoch_committed */
};

extern const struct store_backend store_sqlite_backend;
extern const char *const store_sqlite_migrations[];
extern const struct store_backend store_pg_backend;
extern const char *const store_pg_migrations[];

/* ---- building parameters --------------------------------------------- */

static inline struct store_val
store_v_null(void)
{
	return (struct store_val){ .type = STORE_T_NULL };
}

static inline struct store_val
store_v_int(int64_t i)
{
	return (struct store_val){ .type = STORE_T_INT, .i = i };
}

static inline struct store_val
store_v_real(double d)
{
	return (struct store_val){ .type = STORE_T_REAL, .d = d };
}

/* A NUL-terminated string, or SQL NULL when s is NULL. */
static inline struct store_val
store_v_text(const char *s)
{
	if (s == NULL)
		return store_v_null();
	return (struct store_val){ .type = STORE_T_TEXT, .p = s,
	    .len = strlen(s) };
}

static inline struct store_val
store_v_blob(const void *p, size_t len)
{
	return (struct store_val){ .type = STORE_T_BLOB, .p = p, .len = len };
}

/* Expands to "params, nparams" for exec from a list of store_v_* values. */
#define STORE_PARAMS(...) \
	((const struct store_val[]){ __VA_ARGS__ }), \
	(sizeof((const struct store_val[]){ __VA_ARGS__ }) / \
	    sizeof(struct store_val))

/* ---- the domain layer's helpers (store.c, store_row.c) ----------------- */

#define STORE_PAGE_DEFAULT 25    /* rows of a page asked for with <= 0 */
#define STORE_PAGE_MAX 100       /* rows of a listing page at the most */
#define STORE_QUEUE_MAX 100      /* reports, held items, notifications */

/* Runs statement st: exec on s's backend and connection. */
static inline int
store__run(struct store *s, enum store_stmt st,
    const struct store_val *params, size_t nparams, store_row_fn cb,
    void *data)
{
	return s->be->exec(s->conn, st, params, nparams, cb, data);
}

int store__run_one(struct store *s, enum store_stmt st,
    const struct store_val *params, size_t nparams);
int store__run_guarded(struct store *s, enum store_stmt st,
    const struct store_val *params, size_t nparams);
int store__run_count(struct store *s, enum store_stmt st,
    const struct store_val *params, size_t nparams, int64_t *out);
int store__run_exists(struct store *s, enum store_stmt st,
    const struct store_val *params, size_t nparams, bool *out);
int store__tx_end(struct store *s, int rc);

/* The search index around a bulk load (store_schema.c). */
extern const char store__fts_drop[];
extern const char store__fts_restore[];
int store__fts_heal(struct store *s);

/* limit <= 0 means the default page of 25; above max means max. */
static inline int
store__clamp_limit(int limit, int max)
{
	if (limit <= 0)
		return STORE_PAGE_DEFAULT < max ? STORE_PAGE_DEFAULT : max;
	return limit > max ? max : limit;
}

/* An optional reference: 0 is NULL (a site-wide scope, no moderator). */
static inline struct store_val
store__ref_val(int64_t id)
{
	return id != 0 ? store_v_int(id) : store_v_null();
}

/* ---- reading rows (store_row.c) ------------------------------------------ */

/*
 * How one kind of result row is read: the columns it needs at least and
 * the struct it fills, strings copied into the arena.
 */
struct store_row {
	size_t ncols;
	size_t size;             /* bytes of the struct read fills */
	void (*read)(struct arena *a, const struct store_val *row, void *out);
};

extern const struct store_row store__user_row;      /* USER_COL */
extern const struct store_row store__community_row; /* COMMUNITY_COL */
extern const struct store_row store__post_row;      /* POST_COL */
extern const struct store_row store__comment_row;   /* COMMENT_COL */
extern const struct store_row store__comment_link_row; /* COMMENT_COL, post
                                                   title, community name */
extern const struct store_row store__comment_post_row; /* COMMENT_COL,
                                                   POST_COL: a comment and
                                                   its post, as a
                                                   found_item */

/* Where a single-row read puts its result (store__one_cb). */
struct store_one {
	struct arena *a;
	const struct store_row *kind;
	void *out;               /* the struct to fill */
	const char **extra;      /* the text column after kind's, or NULL */
	bool found;              /* set by the callback */
};

/* A growing array of result structs in the caller's arena. */
struct store_many {
	struct arena *a;
	char *items;             /* arena array of cap elements */
	size_t n, cap;
	size_t size;             /* bytes per element */
	const struct store_row *kind; /* for store__many_cb; NULL for a
	                                 callback of one's own */
};

/* A store_many of kind's rows in a. */
#define STORE_MANY(a, kind) \
	((struct store_many){ (a), NULL, 0, 0, (kind)->size, (kind) })

/* A store_many of structs of type, for a row callback of one's own. */
#define STORE_MANY_OF(a, type) \
	((struct store_many){ (a), NULL, 0, 0, sizeof(type), NULL })

/* Hands the rows gathered in m to the caller as *out and *count. */
#define STORE_MANY_OUT(rc, m, type, out, count) do { \
	*(out) = (rc) == STORE_OK && (m).n ? (type *)(m).items : NULL; \
	*(count) = (rc) == STORE_OK ? (m).n : 0; \
} while (0)

/* Up to five numeric columns of one row (store__numbers_cb). */
struct store_numbers {
	struct store_val vals[5]; /* numbers only: no borrowed pointers */
	size_t n;
	bool found;
};

/* One text column of one row, copied into a (store__text_cb). */
struct store_text {
	struct arena *a;
	const char **out;
	bool found;
};

char *store__lower_dup(const char *s);
int store__bad_row(size_t ncols, size_t want);
int64_t store__col_i64(const struct store_val *v);
double store__col_real(const struct store_val *v);
const char *store__col_text(struct arena *a, const struct store_val *v);
void store__viewer_read(struct arena *a, const struct store_val *row,
    struct user *u, struct viewer *v);
void *store__many_push(struct store_many *m);
int store__one_cb(void *data, const struct store_val *row, size_t ncols);
int store__many_cb(void *data, const struct store_val *row, size_t ncols);
int store__numbers_cb(void *data, const struct store_val *row, size_t ncols);
int store__text_cb(void *data, const struct store_val *row, size_t ncols);
int store__many_cb_modlog(void *data, const struct store_val *row,
    size_t ncols);
int store__modlog_append(struct store *s, const struct mod_action *m,
    int64_t community_id, int64_t mod_id, int64_t target_user_id);
int store__get(struct store *s, enum store_stmt st,
    const struct store_val *params, size_t nparams,
    const struct store_row *kind, struct arena *a, void *out);

/* Found items (store_find.c): search, saved and hidden. */
int store__found_post_cb(void *data, const struct store_val *row,
    size_t ncols);
int store__found_comment_cb(void *data, const struct store_val *row,
    size_t ncols);
void store__found_merge(struct arena *a, const struct store_many m[2],
    int limit, struct found_item **out, size_t *n);

/* Home (store_home.c): up to this many subscriptions, a page may merge
 * one walk per subscribed community; past it, the global walk. */
#define HOME_MERGE_MAX 50
int store__home_list(struct store *s, struct arena *a,
    const struct post_query *q, enum post_sort sort, struct store_val key,
    struct store_val after_id, int limit, bool *merged, struct post **out,
    size_t *n);

#endif

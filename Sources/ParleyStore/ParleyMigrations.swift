import GRDB

/// Numbered schema migrations. Never edit a shipped migration: add the next number.
public enum ParleyMigrations {
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("0001_initial", migrate: createInitialSchema)
        migrator.registerMigration("0002_replies_since_customer") { db in
            try db.execute(sql: "ALTER TABLE conversations ADD COLUMN replies_since_customer INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("0003_media_downloads") { db in
            try db.execute(sql: """
                CREATE TABLE media_downloads (
                    message_id INTEGER PRIMARY KEY REFERENCES messages(id),
                    channel_id TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'abandoned')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    last_error TEXT
                );
                CREATE INDEX media_downloads_due ON media_downloads(state, next_attempt_at);
                """)
        }
        migrator.registerMigration("0004_poll_cursors") { db in
            try db.execute(sql: """
                CREATE TABLE poll_cursors (
                    channel_id TEXT PRIMARY KEY REFERENCES channels(id),
                    cursor TEXT NOT NULL,
                    updated_at REAL NOT NULL
                )
                """)
        }
        migrator.registerMigration("0005_identity_opt_out") { db in
            try db.execute(sql: "ALTER TABLE identities ADD COLUMN opted_out_at REAL")
        }
        migrator.registerMigration("0006_reply_tokens") { db in
            try db.execute(sql: """
                ALTER TABLE conversations ADD COLUMN reply_token TEXT;
                ALTER TABLE conversations ADD COLUMN reply_token_at REAL;
                """)
        }
        // The two clocks of ConversationTimers. Deadlines themselves depend on channel settings the
        // store does not know; the gateway recomputes them for every open conversation at start.
        migrator.registerMigration("0007_conversation_clocks") { db in
            try db.execute(sql: """
                ALTER TABLE conversations ADD COLUMN last_reply_at REAL;
                ALTER TABLE conversations ADD COLUMN waiting_since REAL;
                UPDATE conversations SET last_reply_at = (
                    SELECT MAX(created_at) FROM messages
                    WHERE conversation_id = conversations.id AND direction = 'outbound' AND sender_kind IN ('agent', 'bot'));
                UPDATE conversations SET waiting_since = last_customer_message_at
                WHERE status IN ('bot', 'queued', 'assigned', 'pending') AND last_customer_message_at IS NOT NULL
                  AND (last_reply_at IS NULL OR last_reply_at < last_customer_message_at);
                CREATE INDEX conversations_by_channel_status ON conversations(channel_id, status);
                """)
        }
        // The route an outbound message took (DeliveryRoute): "sent via template message".
        migrator.registerMigration("0008_message_routes") { db in
            try db.execute(sql: "ALTER TABLE messages ADD COLUMN route TEXT")
        }
        // Web Push: the server's VAPID key (sealed like channel credentials) and the browsers
        // where web visitors allowed notifications. A browser has one endpoint; it belongs to the
        // visitor who subscribed with it last.
        migrator.registerMigration("0009_web_push") { db in
            try db.execute(sql: """
                CREATE TABLE server_secrets (
                    name TEXT PRIMARY KEY,
                    sealed BLOB NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE TABLE push_subscriptions (
                    id INTEGER PRIMARY KEY,
                    channel_id TEXT NOT NULL REFERENCES channels(id),
                    visitor_id TEXT NOT NULL,
                    endpoint TEXT NOT NULL UNIQUE,
                    p256dh TEXT NOT NULL,
                    auth TEXT NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE INDEX push_subscriptions_by_visitor ON push_subscriptions(channel_id, visitor_id);
                """)
        }
        // Offline push-back (web visitors who left before a reply reached them): the address a
        // visitor left, the note beside a message's route, and the push-back outbox — one row
        // per route tried for a run of held replies, each with its own retries and final state.
        migrator.registerMigration("0010_offline_push_back") { db in
            try db.execute(sql: """
                ALTER TABLE contacts ADD COLUMN email TEXT;
                ALTER TABLE messages ADD COLUMN route_note TEXT;
                CREATE TABLE push_backs (
                    id INTEGER PRIMARY KEY,
                    conversation_id INTEGER NOT NULL REFERENCES conversations(id),
                    first_message_id INTEGER NOT NULL REFERENCES messages(id),
                    last_message_id INTEGER NOT NULL REFERENCES messages(id),
                    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'done', 'failed', 'returned')),
                    route TEXT,
                    route_channel_id TEXT,
                    ruled_out TEXT NOT NULL DEFAULT '[]',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    lease_until REAL,
                    last_error TEXT,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX push_backs_due ON push_backs(state, next_attempt_at);
                CREATE INDEX push_backs_by_conversation ON push_backs(conversation_id, last_message_id);
                """)
        }
        // Routing: teams (skill groups) and their members, each agent's presence and capacity, the
        // team a channel's conversations wait in, and the team a conversation moved to (overflow).
        migrator.registerMigration("0011_routing") { db in
            try db.execute(sql: """
                CREATE TABLE teams (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    strategy TEXT NOT NULL CHECK (strategy IN ('least-busy', 'round-robin', 'manual-claim')),
                    sticky_window REAL NOT NULL DEFAULT 0,
                    overflow_team_id INTEGER REFERENCES teams(id),
                    overflow_after REAL NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL
                );
                CREATE TABLE team_members (
                    team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
                    agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
                    PRIMARY KEY (team_id, agent_id)
                );
                ALTER TABLE agents ADD COLUMN presence TEXT NOT NULL DEFAULT 'offline';
                ALTER TABLE agents ADD COLUMN capacity INTEGER NOT NULL DEFAULT 5;
                ALTER TABLE agents ADD COLUMN last_assigned_at REAL;
                ALTER TABLE channels ADD COLUMN team_id INTEGER REFERENCES teams(id);
                ALTER TABLE conversations ADD COLUMN team_id INTEGER REFERENCES teams(id);
                CREATE INDEX conversations_by_assignee ON conversations(assignee_id, status);
                """)
        }
        // A reply its own channel refused for good is handed on to the contact's other channels
        // through the same push-back outbox; `origin` tells those rows from an away web visitor's.
        migrator.registerMigration("0012_push_back_origin") { db in
            try db.execute(sql: "ALTER TABLE push_backs ADD COLUMN origin TEXT NOT NULL DEFAULT 'held' CHECK (origin IN ('held', 'refused'))")
        }
        migrator.registerMigration("0013_webhooks", migrate: createWebhookSchema)
        // A team's business hours, queue priority switches and the texts its waiting customers get
        // (`TeamProfile` as JSON; NULL: always open, every rule on, the default texts).
        migrator.registerMigration("0014_team_profile") { db in
            try db.execute(sql: "ALTER TABLE teams ADD COLUMN profile TEXT")
        }
        migrator.registerMigration("0015_csat", migrate: createSurveySchema)
        migrator.registerMigration("0016_labels_canned", migrate: createLabelsAndCannedSchema)
        // The FAQ bot: the knowledge base (one JSON document, entries scoped to a team or to all),
        // how far the bot has read each conversation and its misses in a row, and VIP contacts
        // (served by people first, and handed over by the bot at once).
        migrator.registerMigration("0017_bot") { db in
            try db.execute(sql: """
                ALTER TABLE contacts ADD COLUMN vip INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE conversations ADD COLUMN bot_read_through INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE conversations ADD COLUMN bot_misses INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX IF NOT EXISTS conversations_by_contact ON conversations(contact_id, id);
                CREATE TABLE knowledge_base (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    document BLOB NOT NULL,
                    updated_at REAL NOT NULL
                );
                """)
        }
        return migrator
    }

    private static func createInitialSchema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE channels (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                settings TEXT NOT NULL,
                sealed_credentials BLOB NOT NULL,
                created_at REAL NOT NULL
            );
            CREATE TABLE agents (
                id INTEGER PRIMARY KEY,
                email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at REAL NOT NULL
            );
            CREATE TABLE api_tokens (
                token_hash BLOB PRIMARY KEY,
                agent_id INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
                created_at REAL NOT NULL,
                expires_at REAL NOT NULL
            );
            CREATE TABLE contacts (
                id INTEGER PRIMARY KEY,
                name TEXT,
                created_at REAL NOT NULL
            );
            CREATE TABLE identities (
                id INTEGER PRIMARY KEY,
                contact_id INTEGER NOT NULL REFERENCES contacts(id),
                channel_id TEXT NOT NULL REFERENCES channels(id),
                external_id TEXT NOT NULL,
                UNIQUE (channel_id, external_id)
            );
            CREATE TABLE conversations (
                id INTEGER PRIMARY KEY,
                channel_id TEXT NOT NULL REFERENCES channels(id),
                contact_id INTEGER NOT NULL REFERENCES contacts(id),
                identity_id INTEGER NOT NULL REFERENCES identities(id),
                external_id TEXT NOT NULL,
                status TEXT NOT NULL,
                assignee_id INTEGER REFERENCES agents(id),
                close_reason TEXT,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                last_customer_message_at REAL,
                last_message_at REAL,
                last_message_preview TEXT
            );
            CREATE INDEX conversations_by_identity ON conversations(identity_id, id);
            CREATE INDEX conversations_by_status ON conversations(status, assignee_id);
            CREATE TABLE messages (
                id INTEGER PRIMARY KEY,
                conversation_id INTEGER NOT NULL REFERENCES conversations(id),
                channel_id TEXT NOT NULL,
                direction TEXT NOT NULL,
                sender_kind TEXT NOT NULL,
                sender_id INTEGER,
                content TEXT NOT NULL,
                platform_message_id TEXT,
                status TEXT NOT NULL,
                failure_reason TEXT,
                created_at REAL NOT NULL
            );
            -- Inbound ids dedupe platform redeliveries; outbound ids find receipts. The two
            -- namespaces are the platform's, not ours, so they must not collide with each other.
            CREATE UNIQUE INDEX messages_by_platform_id ON messages(channel_id, direction, platform_message_id)
                WHERE platform_message_id IS NOT NULL;
            CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
            CREATE TABLE conversation_events (
                id INTEGER PRIMARY KEY,
                conversation_id INTEGER NOT NULL REFERENCES conversations(id),
                command TEXT NOT NULL,
                from_status TEXT,
                to_status TEXT NOT NULL,
                previous_assignee_id INTEGER,
                assignee_id INTEGER,
                actor_kind TEXT NOT NULL,
                actor_id INTEGER,
                at REAL NOT NULL
            );
            CREATE INDEX conversation_events_by_conversation ON conversation_events(conversation_id, id);
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY,
                message_id INTEGER NOT NULL UNIQUE REFERENCES messages(id),
                conversation_id INTEGER NOT NULL REFERENCES conversations(id),
                channel_id TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at REAL NOT NULL,
                lease_until REAL,
                last_error TEXT,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );
            CREATE INDEX outbox_by_state ON outbox(state, next_attempt_at);
            CREATE INDEX outbox_by_conversation ON outbox(conversation_id, state, id);
            CREATE TABLE deadlines (
                id INTEGER PRIMARY KEY,
                conversation_id INTEGER NOT NULL REFERENCES conversations(id),
                kind TEXT NOT NULL,
                due_at REAL NOT NULL,
                fired_at REAL,
                UNIQUE (conversation_id, kind)
            );
            CREATE INDEX deadlines_due ON deadlines(fired_at, due_at);
            """)
    }
}

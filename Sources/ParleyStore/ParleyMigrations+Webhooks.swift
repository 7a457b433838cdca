import GRDB

extension ParleyMigrations {
    /// Outgoing webhooks: subscriptions, the journal of committed events waiting to be relayed to
    /// them, and the delivery outbox that is also the delivery log.
    ///
    /// The journal is written by triggers, inside the transaction that inserts the message or the
    /// lifecycle event, so an event is durable the moment its change is — a `kill -9` right after
    /// the commit loses nothing — and, SQLite having one writer, journal ids are commit order
    /// across both tables. The triggers write only while some subscription is active, so ingest
    /// pays one empty lookup when nobody subscribes. Each row keeps the conversation's lifecycle
    /// state (status, assignee, close reason) as the event left it, because the relay reads the
    /// conversation later, when it may have moved on. AUTOINCREMENT: relayed rows are deleted and
    /// their ids must never come back, since `relay_after` compares against them.
    static func createWebhookSchema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE webhook_subscriptions (
                id INTEGER PRIMARY KEY,
                url TEXT NOT NULL,
                event_types TEXT NOT NULL,
                include_notes INTEGER NOT NULL DEFAULT 0,
                sealed_secret BLOB NOT NULL,
                active INTEGER NOT NULL DEFAULT 1,
                relay_after INTEGER NOT NULL DEFAULT 0,
                failures INTEGER NOT NULL DEFAULT 0,
                last_status INTEGER,
                last_error TEXT,
                last_attempt_at REAL,
                last_delivered_at REAL,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );
            CREATE TABLE webhook_journal (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                source TEXT NOT NULL CHECK (source IN ('message', 'conversation_event')),
                source_id INTEGER NOT NULL,
                conversation_id INTEGER NOT NULL,
                status TEXT NOT NULL,
                assignee_id INTEGER,
                close_reason TEXT
            );
            CREATE TABLE webhook_deliveries (
                id INTEGER PRIMARY KEY,
                subscription_id INTEGER NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
                journal_id INTEGER NOT NULL,
                event_type TEXT NOT NULL,
                payload TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at REAL NOT NULL,
                lease_until REAL,
                last_status INTEGER,
                last_error TEXT,
                created_at REAL NOT NULL,
                last_attempt_at REAL,
                delivered_at REAL,
                UNIQUE (subscription_id, journal_id)
            );
            CREATE INDEX webhook_deliveries_queue ON webhook_deliveries(subscription_id, state, id);
            CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at);
            CREATE TRIGGER webhook_journal_messages AFTER INSERT ON messages
            WHEN EXISTS (SELECT 1 FROM webhook_subscriptions WHERE active = 1)
            BEGIN
                INSERT INTO webhook_journal (source, source_id, conversation_id, status, assignee_id, close_reason)
                SELECT 'message', NEW.id, c.id, c.status, c.assignee_id, c.close_reason FROM conversations c WHERE c.id = NEW.conversation_id;
            END;
            CREATE TRIGGER webhook_journal_conversation_events AFTER INSERT ON conversation_events
            WHEN EXISTS (SELECT 1 FROM webhook_subscriptions WHERE active = 1)
            BEGIN
                INSERT INTO webhook_journal (source, source_id, conversation_id, status, assignee_id, close_reason)
                SELECT 'conversation_event', NEW.id, c.id, c.status, c.assignee_id, c.close_reason FROM conversations c WHERE c.id = NEW.conversation_id;
            END;
            """)
    }
}

import GRDB

extension ParleyMigrations {
    /// The satisfaction survey and the supervisor figures.
    ///
    /// `survey_until` is set when a resolved conversation's survey goes out and cleared by the
    /// customer's next message, so ingest looks for a rating only in a resolved conversation that
    /// has one pending. Each rating keeps the agent who served the customer, the agent who
    /// resolved and the team as they were, so later transfers do not move past ratings.
    ///
    /// The figures read windows of time: lifecycle events by time, and agents' replies through a
    /// partial index that holds only them — a customer's message adds nothing to it, so ingest
    /// pays no index write for it.
    static func createSurveySchema(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE conversations ADD COLUMN survey_until REAL;
            CREATE TABLE csat_responses (
                id INTEGER PRIMARY KEY,
                conversation_id INTEGER NOT NULL REFERENCES conversations(id),
                contact_id INTEGER NOT NULL REFERENCES contacts(id),
                message_id INTEGER NOT NULL REFERENCES messages(id),
                agent_id INTEGER REFERENCES agents(id),
                resolved_by INTEGER REFERENCES agents(id),
                team_id INTEGER REFERENCES teams(id),
                score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
                at REAL NOT NULL
            );
            CREATE INDEX csat_responses_by_conversation ON csat_responses(conversation_id, id);
            CREATE INDEX csat_responses_by_time ON csat_responses(at);
            CREATE INDEX conversation_events_by_time ON conversation_events(at);
            CREATE INDEX messages_agent_replies ON messages(created_at) WHERE direction = 'outbound' AND sender_kind = 'agent';
            """)
    }
}

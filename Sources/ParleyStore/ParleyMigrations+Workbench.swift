import GRDB

extension ParleyMigrations {
    /// Labels agents put on conversations, and the canned responses admins write for them.
    ///
    /// A label is a row per (conversation, label), stored as the gateway normalized it (trimmed,
    /// lower case), so the filter and the counts are plain equality; WITHOUT ROWID because the
    /// pair is the whole row's identity. A canned response's shortcut is unique whatever its
    /// case, like team names; `team_id` NULL means every agent may use it.
    static func createLabelsAndCannedSchema(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE conversation_labels (
                conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                label TEXT NOT NULL,
                created_at REAL NOT NULL,
                PRIMARY KEY (conversation_id, label)
            ) WITHOUT ROWID;
            CREATE INDEX conversation_labels_by_label ON conversation_labels(label);
            CREATE TABLE canned_responses (
                id INTEGER PRIMARY KEY,
                shortcut TEXT NOT NULL UNIQUE COLLATE NOCASE,
                title TEXT NOT NULL,
                text TEXT NOT NULL,
                team_id INTEGER REFERENCES teams(id),
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );
            """)
    }
}

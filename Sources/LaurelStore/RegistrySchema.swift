import GRDB

/// The registry's migrations. Append-only: a migration that has shipped is never edited; a change
/// is a new migration with a new name.
enum RegistrySchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-tables") { db in
            // Times are INTEGER milliseconds since 1970 (UTC).
            try db.execute(
                sql: """
                    CREATE TABLE file (
                        seq INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        content_hash TEXT NOT NULL UNIQUE,
                        raw BLOB NOT NULL,
                        size INTEGER NOT NULL,
                        received_at INTEGER NOT NULL
                    );
                    CREATE TABLE entry (
                        seq INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        key TEXT NOT NULL UNIQUE,
                        award TEXT NOT NULL,
                        award_key TEXT NOT NULL,
                        nominee TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        cycle TEXT NOT NULL,
                        cycle_key TEXT NOT NULL,
                        region TEXT NOT NULL,
                        region_key TEXT NOT NULL,
                        status TEXT NOT NULL,
                        citation TEXT NOT NULL,
                        nomination_count INTEGER NOT NULL,
                        warnings TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE INDEX entry_award ON entry(award_key, seq);
                    CREATE INDEX entry_status ON entry(status, seq);
                    CREATE INDEX entry_cycle ON entry(cycle_key, seq);
                    CREATE INDEX entry_region ON entry(region_key, seq);
                    CREATE TABLE nomination (
                        seq INTEGER PRIMARY KEY,
                        entry_seq INTEGER NOT NULL REFERENCES entry(seq),
                        file_seq INTEGER NOT NULL REFERENCES file(seq),
                        record_index INTEGER NOT NULL,
                        award TEXT NOT NULL,
                        nominee TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        cycle TEXT NOT NULL,
                        region TEXT NOT NULL,
                        nominator TEXT NOT NULL,
                        reference TEXT NOT NULL,
                        contact TEXT NOT NULL,
                        citation TEXT NOT NULL,
                        extra TEXT NOT NULL,
                        warnings TEXT NOT NULL,
                        submitter_uid INTEGER,
                        received_at INTEGER NOT NULL,
                        UNIQUE (file_seq, record_index)
                    );
                    CREATE INDEX nomination_entry ON nomination(entry_seq, seq);
                    CREATE TABLE refusal (
                        seq INTEGER PRIMARY KEY,
                        hash TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL,
                        code TEXT NOT NULL,
                        message TEXT NOT NULL,
                        at INTEGER NOT NULL
                    );
                    CREATE TABLE status_change (
                        seq INTEGER PRIMARY KEY,
                        entry_seq INTEGER NOT NULL REFERENCES entry(seq),
                        at INTEGER NOT NULL,
                        from_status TEXT NOT NULL,
                        to_status TEXT NOT NULL,
                        actor_uid INTEGER,
                        actor_name TEXT NOT NULL,
                        reason TEXT NOT NULL
                    );
                    CREATE INDEX status_change_entry ON status_change(entry_seq, seq);
                    CREATE TABLE meta (
                        key TEXT PRIMARY KEY,
                        value TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v1-search") { db in
            // Contentless: the text lives in `entry`; the index holds tokens we produce in Swift
            // (SearchTokens). unicode61 only splits them on the spaces we put between them.
            try db.execute(
                sql: """
                    CREATE VIRTUAL TABLE entry_fts USING fts5(
                        nominee, award, region, citation,
                        tokenize = 'unicode61 remove_diacritics 0',
                        content = ''
                    );
                    -- The nominee column again, alone: the first ranking tier reads only this small
                    -- index. A column filter on entry_fts ({nominee} : …) would walk the position
                    -- lists of every match in every column, costing as much as the count.
                    CREATE VIRTUAL TABLE nominee_fts USING fts5(
                        nominee,
                        tokenize = 'unicode61 remove_diacritics 0',
                        content = ''
                    );
                    """)
        }
        return migrator
    }
}

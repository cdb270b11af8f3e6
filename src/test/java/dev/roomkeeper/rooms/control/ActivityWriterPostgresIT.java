package dev.roomkeeper.rooms.control;

import dev.roomkeeper.rooms.PostgresDatabase;

/** The V4 migration, the mapping (validated) and the monotonic batch UPDATE on PostgreSQL. */
class ActivityWriterPostgresIT extends ActivityWriterTest {

    @Override
    String databaseUrl() {
        return PostgresDatabase.migrated();
    }
}

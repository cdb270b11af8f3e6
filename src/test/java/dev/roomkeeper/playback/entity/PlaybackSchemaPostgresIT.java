package dev.roomkeeper.playback.entity;

import dev.roomkeeper.rooms.PostgresDatabase;

/** The playback tables (V8), the flush's batched writes and the log's filters on PostgreSQL. */
class PlaybackSchemaPostgresIT extends PlaybackSchemaTest {

    @Override
    String databaseUrl() {
        return PostgresDatabase.migrated();
    }
}

package dev.roomkeeper.playback.control;

import dev.roomkeeper.rooms.PostgresDatabase;

/** Two nodes cleaning at once on PostgreSQL: each old event deleted once, the idle stream reset once. */
class PlaybackCleanupPostgresIT extends PlaybackCleanupTest {

    @Override
    String databaseUrl() {
        return PostgresDatabase.migrated();
    }
}

package dev.roomkeeper.watch.control;

import dev.roomkeeper.rooms.PostgresDatabase;

/** The credit writes and reads (V6, the sums, the unique run) on PostgreSQL. */
class WatchCreditsPostgresIT extends WatchCreditsTest {

    @Override
    String databaseUrl() {
        return PostgresDatabase.migrated();
    }
}

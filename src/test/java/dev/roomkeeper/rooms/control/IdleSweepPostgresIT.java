package dev.roomkeeper.rooms.control;

import dev.roomkeeper.rooms.PostgresDatabase;

/** The sweep's indexed candidate query, its row locks between two nodes and its run records, on PostgreSQL. */
class IdleSweepPostgresIT extends IdleSweepTest {

    @Override
    String databaseUrl() {
        return PostgresDatabase.migrated();
    }
}

package dev.roomkeeper.presence.control;

import dev.roomkeeper.rooms.PostgresDatabase;

/** The V2 migration, the mapping (validated) and the writer's exact join-time matching on PostgreSQL. */
class AttendanceWriterPostgresIT extends AttendanceWriterTest {

    @Override
    String databaseUrl() {
        return PostgresDatabase.migrated();
    }
}

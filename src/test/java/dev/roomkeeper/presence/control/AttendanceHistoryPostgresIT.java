package dev.roomkeeper.presence.control;

import dev.roomkeeper.rooms.PostgresDatabase;

/** The attendance list and the aggregate totals query (duration arithmetic included) on PostgreSQL. */
class AttendanceHistoryPostgresIT extends AttendanceHistoryTest {

    @Override
    String databaseUrl() {
        return PostgresDatabase.migrated();
    }
}

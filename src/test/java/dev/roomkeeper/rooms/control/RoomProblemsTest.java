package dev.roomkeeper.rooms.control;

import jakarta.persistence.PersistenceException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoomProblemsTest {

    @Test
    void integrityViolationsAreRecognisedAnywhereInTheCauseChain() {
        SQLException duplicate = new SQLException("duplicate key", "23505");

        assertTrue(RoomProblems.isConstraintViolation(new PersistenceException(new RuntimeException(duplicate))));
        assertFalse(RoomProblems.isConstraintViolation(new PersistenceException(new SQLException("gone", "08006"))));
        assertFalse(RoomProblems.isConstraintViolation(new PersistenceException("no cause")));
    }

    @Test
    void longRefsAreCutInMessages() {
        String detail = RoomProblems.noRoom("x".repeat(500)).getMessage();

        assertTrue(detail.length() < 100, detail);
        assertEquals("No room named \"\".", RoomProblems.noRoom(null).getMessage());
    }
}

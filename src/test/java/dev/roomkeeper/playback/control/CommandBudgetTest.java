package dev.roomkeeper.playback.control;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandBudgetTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstThenTheRateAndTheWaitUntilTheNextCommand() {
        CommandBudget budget = new CommandBudget(5, 3, 0);
        assertEquals(0, budget.take(0));
        assertEquals(0, budget.take(0));
        assertEquals(0, budget.take(0));
        long wait = budget.take(0);
        assertEquals(SECOND / 5, wait, "one token every 200 ms");
        assertTrue(budget.take(SECOND / 10) > 0, "half a token is not one");
        assertEquals(0, budget.take(SECOND / 5));
        assertEquals(0, budget.take(100 * SECOND));
        assertEquals(0, budget.take(100 * SECOND));
        assertEquals(0, budget.take(100 * SECOND));
        assertTrue(budget.take(100 * SECOND) > 0, "refilled to the burst, not beyond");
    }
}

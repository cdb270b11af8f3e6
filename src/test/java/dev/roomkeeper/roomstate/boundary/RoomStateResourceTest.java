package dev.roomkeeper.roomstate.boundary;

import dev.roomkeeper.keyed.entity.Condition;
import dev.roomkeeper.platform.control.ProblemException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RoomStateResourceTest {

    @Test
    void theConditionalHeadersAreCompareAndSetCreateOnlyAndExistingOnly() {
        assertEquals(Condition.always(), RoomStateResource.condition(null, null));
        assertEquals(Condition.ifVersion(42), RoomStateResource.condition("\"42\"", null));
        assertEquals(Condition.ifVersion(42), RoomStateResource.condition(" \"42\" ", null));
        assertEquals(Condition.ifPresent(), RoomStateResource.condition("*", null));
        assertEquals(Condition.ifAbsent(), RoomStateResource.condition(null, "*"));
    }

    @Test
    void anyOtherFormIsRefusedNamingTheHeader() {
        for (String bad : new String[]{"42", "W/\"42\"", "\"0\"", "\"a\"", "\"1\", \"2\"", "\"99999999999999999999\""}) {
            ProblemException e = assertThrows(ProblemException.class, () -> RoomStateResource.condition(bad, null), bad);
            assertEquals(400, e.status());
            assertEquals("If-Match", e.errors().get(0).field());
        }
        assertEquals("If-None-Match", assertThrows(ProblemException.class,
                () -> RoomStateResource.condition(null, "\"3\"")).errors().get(0).field());
        assertEquals("If-None-Match", assertThrows(ProblemException.class,
                () -> RoomStateResource.condition("\"3\"", "*")).errors().get(0).field());
    }
}

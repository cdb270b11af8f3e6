package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.entity.Problem.FieldError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrictUriFilterTest {

    @Test
    void wellFormedUrlsPass() {
        assertEquals(List.of(), StrictUriFilter.errors("/api/rooms/design-review", "offset=5&limit=10&kind=huddle"));
        assertEquals(List.of(), StrictUriFilter.errors("/api/rooms/%C3%A9t%C3%A9", "q=caf%C3%A9+au+lait&e=%F0%9F%98%80"));
        assertEquals(List.of(), StrictUriFilter.errors("/ws", "token=eyJ.abc-def_ghi&flag&=x&"));
        assertEquals(List.of(), StrictUriFilter.errors("/api/rooms", null));
    }

    @Test
    void eachMalformedQueryParameterIsNamed() {
        List<FieldError> errors = StrictUriFilter.errors("/api/rooms",
                "kind=%ZZ&userId=%ED%A0%80&state=open&reason=a%00b&since=%0A&offset=%E2%82&limit=5%");
        assertEquals(List.of("kind", "userId", "reason", "since", "offset", "limit"), fields(errors), errors::toString);
        assertTrue(errors.get(0).message().contains("percent-escape"), errors::toString);
        assertTrue(errors.get(1).message().contains("UTF-8"), errors::toString);
        assertTrue(errors.get(2).message().contains("control character"), errors::toString);
    }

    @Test
    void controlCharactersDelAndC1AreRefusedButOtherTextIsNot() {
        assertEquals(List.of("a", "b", "c"), fields(StrictUriFilter.errors("/", "a=%1F&b=%7F&c=%C2%85&d=%C2%A0&e=%E2%80%8B")));
    }

    @Test
    void malformedPathsAndParameterNamesAreNamedToo() {
        assertEquals(List.of("path"), fields(StrictUriFilter.errors("/api/rooms/%ZZ", null)));
        assertEquals(List.of("path"), fields(StrictUriFilter.errors("/api/rooms/%ED%A0%80", null)));
        assertEquals(List.of("path"), fields(StrictUriFilter.errors("/api/members/%0A", null)));
        assertEquals(List.of("query"), fields(StrictUriFilter.errors("/", "%ZZ=1")));
        assertEquals(List.of("path"), fields(StrictUriFilter.errors("/api/rooms/\ud800", null)), "a lone surrogate as given");
        assertEquals(List.of("path"), fields(StrictUriFilter.errors("/api/rooms/%٣٣", null)), "only ASCII hex digits");
    }

    private static List<String> fields(List<FieldError> errors) {
        return errors.stream().map(FieldError::field).toList();
    }
}

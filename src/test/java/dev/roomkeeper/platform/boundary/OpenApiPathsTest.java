package dev.roomkeeper.platform.boundary;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OpenApiPathsTest {

    @Test
    void templatesWithARegularExpressionBecomePlainParameters() {
        assertEquals("/api/rooms/{room}/state/{key}", OpenApiPaths.plain("/api/rooms/{room}/state/{key: .+}"));
        assertEquals("/api/rooms/{room}/state/{key}/increment",
                OpenApiPaths.plain("/api/rooms/{room}/state/{key : .+}/increment"));
        assertEquals("/api/rooms/{room}/members/{userId}", OpenApiPaths.plain("/api/rooms/{room}/members/{userId}"));
    }
}

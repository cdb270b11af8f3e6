package dev.roomkeeper.transport.control;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RateLimiterTest {

    @Test
    void rateLimiterAllowsTheBurstThenRefillsAtTheRate() {
        long t = 0;
        RateLimiter limiter = new RateLimiter(10, 3, t);
        assertTrue(limiter.tryAcquire(t));
        assertTrue(limiter.tryAcquire(t));
        assertTrue(limiter.tryAcquire(t));
        assertFalse(limiter.tryAcquire(t));
        t += 100_000_000L; // 100 ms: one token at 10/s
        assertTrue(limiter.tryAcquire(t));
        assertFalse(limiter.tryAcquire(t));
        t += 10_000_000_000L; // long idle: capped at the burst
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.tryAcquire(t));
        }
        assertFalse(limiter.tryAcquire(t));
    }
}

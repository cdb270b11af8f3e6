package dev.roomkeeper.inserver;

import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Waiting, inside the server, for what timers and batches do: a condition polled with a deadline. */
final class Eventually {

    private Eventually() {
    }

    static <T> T await(String what, Callable<T> value, Predicate<T> condition) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(value, condition::test);
    }
}

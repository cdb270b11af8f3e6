package dev.roomkeeper.platform;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The feature packages depend on each other in one direction only, as {@code src/docs/architecture.md} draws them:
 * read from the sources, so a new import against the grain fails the build.
 */
class PackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/roomkeeper");
    private static final Pattern REFERENCE = Pattern.compile("dev\\.roomkeeper\\.([a-z]+)\\.");

    /** Each package and the packages it may use; everything may use platform. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("platform", Set.of()),
            Map.entry("auth", Set.of("platform")),
            Map.entry("stream", Set.of("platform")),
            Map.entry("keyed", Set.of("stream", "platform")),
            Map.entry("rooms", Set.of("stream", "auth", "platform")),
            Map.entry("transport", Set.of("rooms", "stream", "auth", "platform")),
            Map.entry("presence", Set.of("transport", "rooms", "stream", "auth", "platform")),
            Map.entry("roomstate", Set.of("keyed", "presence", "transport", "rooms", "stream", "auth", "platform")),
            Map.entry("watch", Set.of("presence", "keyed", "transport", "rooms", "stream", "auth", "platform")),
            Map.entry("polls", Set.of("keyed", "presence", "transport", "rooms", "stream", "auth", "platform")),
            Map.entry("participants", Set.of("keyed", "transport", "rooms", "stream", "auth", "platform")),
            Map.entry("playback", Set.of("keyed", "presence", "transport", "rooms", "stream", "auth", "platform")),
            Map.entry("engine", Set.of("stream", "presence", "keyed", "rooms", "platform")));

    @Test
    void everyPackageUsesOnlyThePackagesBelowIt() {
        Map<String, Set<String>> actual = dependencies();
        assertEquals(ALLOWED.keySet(), actual.keySet(), "a new package belongs in this table and in architecture.md");
        actual.forEach((from, to) -> {
            Set<String> wrong = new TreeSet<>(to);
            wrong.removeAll(ALLOWED.get(from));
            assertTrue(wrong.isEmpty(), from + " must not use " + wrong);
        });
    }

    @Test
    void theAllowedDependenciesHaveNoCycle() {
        for (String start : ALLOWED.keySet()) {
            Deque<String> todo = new ArrayDeque<>(ALLOWED.get(start));
            Set<String> seen = new HashSet<>();
            while (!todo.isEmpty()) {
                String next = todo.pop();
                assertTrue(!next.equals(start), start + " reaches itself");
                if (seen.add(next)) {
                    todo.addAll(ALLOWED.get(next));
                }
            }
        }
    }

    private static Map<String, Set<String>> dependencies() {
        Map<String, Set<String>> dependencies = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String from = SOURCES.relativize(file).getName(0).toString();
                Set<String> to = dependencies.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        to.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dependencies;
    }

    @Test
    void theTableNamesOnlyPackagesThatExist() {
        List<String> missing = ALLOWED.keySet().stream().filter(p -> !Files.isDirectory(SOURCES.resolve(p))).toList();
        assertEquals(List.of(), missing);
    }
}

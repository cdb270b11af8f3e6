package dev.roomkeeper.engine.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Lua script from this package's resources, with the SHA-1 Redis caches it under. A line
 * {@code -- @include other.lua} is replaced by that resource (once per script: a library included twice is
 * included once), so every script that publishes shares one {@code publish_event} function and every presence
 * script one presence library, without any Lua living in Java strings.
 *
 * @param name   the resource's file name, such as {@code presence-join.lua}
 * @param source the script with its includes expanded
 * @param sha    the SHA-1 of {@code source}, as {@code EVALSHA} wants it
 */
public record RedisScript(String name, String source, String sha) {

    private static final Pattern INCLUDE = Pattern.compile("(?m)^-- @include ([a-z0-9-]+\\.lua)[ \\t]*$");

    /** Loads {@code name} from the resources next to this class, includes expanded. */
    public static RedisScript load(String name) {
        String source = expand(name, new ArrayDeque<>(), new java.util.HashSet<>());
        return new RedisScript(name, source, sha1(source));
    }

    private static String expand(String name, Deque<String> including, java.util.Set<String> included) {
        if (including.contains(name)) {
            throw new IllegalStateException("Lua include cycle: " + including + " -> " + name);
        }
        included.add(name);
        including.push(name);
        String text = read(name);
        Matcher m = INCLUDE.matcher(text);
        StringBuilder out = new StringBuilder(text.length() * 2);
        while (m.find()) {
            String other = m.group(1);
            String replacement = included.contains(other) ? "" : expand(other, including, included);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        including.pop();
        return out.toString();
    }

    private static String read(String name) {
        try (InputStream in = RedisScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no Lua script " + name + " next to " + RedisScript.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

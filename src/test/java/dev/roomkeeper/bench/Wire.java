package dev.roomkeeper.bench;

/**
 * Frames to send and the few fields the harness reads from frames it receives. Reading scans the text
 * instead of parsing it: at 20,000 deliveries a second a JSON parser would cost the load client a good
 * part of a core that the server, on the same two cores, needs. The scan relies on what the server
 * writes (src/docs/protocol.md): compact JSON, the frame's {@code type} first, an event's
 * {@code type} after its {@code room} and {@code seq}, and values the harness chose itself (session ids,
 * numbers) that never hold escaped characters.
 */
final class Wire {

    static final String EVENT_PREFIX = "{\"type\":\"event\",\"event\":{";

    private Wire() {
    }

    static String auth(String id, String token) {
        return "{\"type\":\"auth\",\"id\":\"" + id + "\",\"token\":\"" + token + "\"}";
    }

    static String join(String id, String room, String sessionId, long intervalMs, String displayName) {
        return "{\"type\":\"presence.join\",\"id\":\"" + id + "\",\"room\":\"" + room + "\",\"sessionId\":\""
                + sessionId + "\",\"interval\":" + intervalMs + ",\"meta\":{\"displayName\":\"" + displayName + "\"}}";
    }

    static String leave(String id, String room, String sessionId) {
        return "{\"type\":\"presence.leave\",\"id\":\"" + id + "\",\"room\":\"" + room + "\",\"sessionId\":\""
                + sessionId + "\"}";
    }

    /** Without an id: the server does not answer a heartbeat that carries none. */
    static String heartbeat(String room, String sessionId) {
        return "{\"type\":\"presence.heartbeat\",\"room\":\"" + room + "\",\"sessionId\":\"" + sessionId + "\"}";
    }

    /** A message whose body carries the sender's {@link System#nanoTime()}. */
    static String publish(String id, String room, long sentNanos) {
        return "{\"type\":\"publish\",\"id\":\"" + id + "\",\"room\":\"" + room + "\",\"data\":{\"t\":" + sentNanos + "}}";
    }

    /** The frame's own {@code type}, or null. */
    static String type(String frame) {
        return string(frame, "type", 0);
    }

    /** The {@code type} of the room event inside an {@code event} frame, or null if it is not one. */
    static String eventType(String frame) {
        return frame.startsWith(EVENT_PREFIX) ? string(frame, "type", EVENT_PREFIX.length()) : null;
    }

    /** The sender's stamp in a {@code message} event published by {@link #publish}, or -1. */
    static long messageStamp(String frame) {
        int body = frame.indexOf("\"body\":{\"t\":");
        return body < 0 ? -1 : number(frame, "t", body + 7);
    }

    /** The string value of the first {@code "key":"…"} at or after {@code from}, or null. */
    static String string(String frame, String key, int from) {
        String marker = "\"" + key + "\":\"";
        int start = frame.indexOf(marker, from);
        if (start < 0) {
            return null;
        }
        start += marker.length();
        int end = frame.indexOf('"', start);
        return end < 0 ? null : frame.substring(start, end);
    }

    /** The non-negative integer value of the first {@code "key":n} at or after {@code from}, or -1. */
    static long number(String frame, String key, int from) {
        String marker = "\"" + key + "\":";
        int at = frame.indexOf(marker, from);
        if (at < 0) {
            return -1;
        }
        int i = at + marker.length();
        long value = 0;
        int digits = 0;
        while (i < frame.length() && digits < 19) {
            char c = frame.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            digits++;
            i++;
        }
        return digits == 0 ? -1 : value;
    }
}

package dev.roomkeeper.platform.entity;

/**
 * JSON string literals for text that is built by hand rather than through JSON-P (event data that is
 * concatenated once and sent as is, and Lua scripts that only concatenate what Java quoted).
 */
public final class JsonString {

    private JsonString() {
    }

    /**
     * True when every string and member name in {@code value} is well-formed UTF-16: no high surrogate without the
     * low one after it, no low surrogate without the high one before it. JSON text may spell a lone surrogate as
     * an escape ({@code "\ud800"}); such a string cannot be encoded as UTF-8, so it must never be accepted into a
     * room's events (a WebSocket send would fail for every subscriber).
     */
    public static boolean wellFormed(jakarta.json.JsonValue value) {
        return switch (value.getValueType()) {
            case STRING -> wellFormed(((jakarta.json.JsonString) value).getString());
            case ARRAY -> value.asJsonArray().stream().allMatch(JsonString::wellFormed);
            case OBJECT -> value.asJsonObject().entrySet().stream()
                    .allMatch(e -> wellFormed(e.getKey()) && wellFormed(e.getValue()));
            default -> true;
        };
    }

    /** True when {@code text} holds no lone surrogate (see {@link #wellFormed(jakarta.json.JsonValue)}). */
    public static boolean wellFormed(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A JSON string literal: quote, backslash and control characters (DEL included) escaped, everything
     * else as is. Never contains a raw newline, so quoted text can sit in newline-separated records.
     */
    public static String quote(String text) {
        StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

    /**
     * The length of {@code text} in UTF-8 as Java (and so Jedis) encodes it: a lone surrogate becomes one
     * {@code ?}. What Redis's {@code #} counts for the same text.
     */
    public static int utf8Length(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}

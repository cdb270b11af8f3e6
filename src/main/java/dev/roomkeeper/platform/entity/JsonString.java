package dev.roomkeeper.platform.entity;

/**
 * JSON string literals for text that is built by hand rather than through JSON-P (event data that is
 * concatenated once and sent as is, and Lua scripts that only concatenate what Java quoted).
 */
public final class JsonString {

    private JsonString() {
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

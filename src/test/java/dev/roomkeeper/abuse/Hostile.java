package dev.roomkeeper.abuse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hostile inputs the abuse suite feeds every entrance, each named so a failure says which one did it. Values
 * are JSON text, so that what no JSON library would write (a lone surrogate escape, an integer wider than 64 bits,
 * nesting thousands deep) can be written.
 */
final class Hostile {

    private Hostile() {
    }

    /** Nesting far beyond any documented depth, and beyond the JSON parser's own limit (1,000 in Parsson). */
    static final int DEEP = 2_500;

    /** JSON values to put where a field's value goes: each of the wrong type for some field, or ill-formed. */
    static Map<String, String> values() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("lone high surrogate", "\"\\ud800\"");
        v.put("lone low surrogate", "\"a\\udc00b\"");
        v.put("reversed surrogate pair", "\"\\udc00\\ud800\"");
        v.put("NUL", "\"a\\u0000b\"");
        v.put("control character", "\"bell\\u0007\"");
        v.put("DEL", "\"x\\u007f\"");
        v.put("line break", "\"a\\nb\"");
        v.put("100 KB string", "\"" + "x".repeat(100_000) + "\"");
        v.put("2^64+3", "18446744073709551619");
        v.put("2^80", "1208925819614629174706176");
        v.put("below Long.MIN_VALUE", "-9223372036854775809");
        v.put("1e400", "1e400");
        v.put("negative", "-1");
        v.put("fraction", "1.5");
        v.put("zero", "0");
        v.put("boolean", "true");
        v.put("null", "null");
        v.put("number as string", "\"7\"");
        v.put("empty string", "\"\"");
        v.put("array", "[1,\"a\"]");
        v.put("object", "{\"a\":1}");
        v.put("object with a lone surrogate", "{\"text\":\"\\ud800\"}");
        v.put("object with a lone surrogate key", "{\"\\ud800\":1}");
        v.put("deep arrays", deepArrays(DEEP));
        v.put("deep objects", deepObjects(DEEP));
        return v;
    }

    /**
     * Whole bodies or frames, built around a well-formed object {@code valid} ({@code {...}}) whose first member is
     * named {@code firstField} (or null when it has none).
     */
    static Map<String, String> documents(String valid, String firstField) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("empty", "");
        d.put("truncated", valid.substring(0, Math.max(1, valid.length() - 1)));
        d.put("not JSON", "hello");
        d.put("JSON null", "null");
        d.put("JSON array", "[" + valid + "]");
        d.put("JSON string", "\"" + "x" + "\"");
        d.put("trailing garbage", valid + " trailing");
        d.put("a second document", valid + valid);
        d.put("deep arrays", deepArrays(DEEP));
        d.put("deep objects", deepObjects(DEEP));
        d.put("deep value", valid.replaceFirst("\\{", "{\"deep\":" + deepArrays(DEEP) + ","));
        d.put("lone surrogate member name", valid.replaceFirst("\\{", "{\"\\\\ud800\":1,"));
        if (firstField != null) {
            d.put("duplicate member", valid.replaceFirst("\\{", "{\"" + firstField + "\":\"first\","));
        }
        d.put("1 MB", "{\"pad\":\"" + "x".repeat(1_048_576) + "\"}");
        return d;
    }

    /** Raw bodies that are not UTF-8 at all: bytes no JSON text may hold. */
    static Map<String, byte[]> invalidUtf8(String firstField) {
        String field = firstField == null ? "x" : firstField;
        Map<String, byte[]> b = new LinkedHashMap<>();
        b.put("invalid UTF-8 byte", concat("{\"" + field + "\":\"a", new byte[]{(byte) 0xC3, (byte) 0x28}, "\"}"));
        b.put("UTF-8 of a lone surrogate (CESU)", concat("{\"" + field + "\":\"", new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"}"));
        b.put("overlong NUL", concat("{\"" + field + "\":\"", new byte[]{(byte) 0xC0, (byte) 0x80}, "\"}"));
        return b;
    }

    /** Path segments and query values as written on the wire (already percent-encoded, or deliberately not). */
    static Map<String, String> wireTexts() {
        Map<String, String> w = new LinkedHashMap<>();
        w.put("malformed percent-encoding", "%ZZ");
        w.put("truncated percent-encoding", "%E");
        w.put("encoded NUL", "%00");
        w.put("encoded control character", "a%07b");
        w.put("encoded lone surrogate (CESU)", "%ED%A0%80");
        w.put("invalid UTF-8", "%C3%28");
        w.put("encoded slash and dots", "..%2F..%2Fadmin");
        w.put("2^64+3", "18446744073709551619");
        w.put("2^80", "1208925819614629174706176");
        w.put("negative", "-1");
        w.put("exponent", "1e3");
        w.put("8 KB", "a".repeat(8_192));
        return w;
    }

    static String deepArrays(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    static String deepObjects(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        byte[] a = before.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] c = after.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] all = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(middle, 0, all, a.length, middle.length);
        System.arraycopy(c, 0, all, a.length + middle.length, c.length);
        return all;
    }

    /** Every value, as the list the frame and body fuzzers walk. */
    static List<Map.Entry<String, String>> valueList() {
        return new ArrayList<>(values().entrySet());
    }
}

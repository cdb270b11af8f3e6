package dev.roomkeeper.keyed.entity;

import dev.roomkeeper.platform.entity.JsonString;

/**
 * The {@code data} of keyed-state events, built once as JSON text (the value is JSON already and is embedded
 * as is). The Redis store's scripts build the same text in Lua, so both engines publish byte-identical events:
 * <pre>
 * &lt;space&gt;.set     {"key":K,"value":V,"version":n[,"expiresAt":ms][,"by":U]}
 * &lt;space&gt;.delete  {"key":K,"version":n,"reason":"deleted"[,"by":U]}   (version: the delete's seq)
 * &lt;space&gt;.delete  {"key":K,"version":n,"reason":"expired"}
 * &lt;space&gt;.cleared {"reason":R,"kept":[P,...]}   (every key not under a kept prefix is gone)
 * </pre>
 */
public final class KeyedEvents {

    private KeyedEvents() {
    }

    public static String set(String key, String value, long version, long expiresAt, String by) {
        StringBuilder json = new StringBuilder(48 + key.length() + value.length())
                .append("{\"key\":").append(quote(key))
                .append(",\"value\":").append(value)
                .append(",\"version\":").append(version);
        if (expiresAt > 0) {
            json.append(",\"expiresAt\":").append(expiresAt);
        }
        return by(json, by).append('}').toString();
    }

    public static String deleted(String key, long version, String by) {
        StringBuilder json = new StringBuilder(64 + key.length()).append("{\"key\":").append(quote(key))
                .append(",\"version\":").append(version).append(",\"reason\":\"deleted\"");
        return by(json, by).append('}').toString();
    }

    public static String expired(String key, long version) {
        return "{\"key\":" + quote(key) + ",\"version\":" + version + ",\"reason\":\"expired\"}";
    }

    /** The data of {@code <space>.cleared}: why, and the key prefixes whose keys were kept. */
    public static String cleared(String reason, java.util.List<String> kept) {
        StringBuilder json = new StringBuilder(40).append("{\"reason\":").append(quote(reason)).append(",\"kept\":[");
        for (int i = 0; i < kept.size(); i++) {
            json.append(i == 0 ? "" : ",").append(quote(kept.get(i)));
        }
        return json.append("]}").toString();
    }

    /** A JSON string literal of {@code text}. */
    public static String quote(String text) {
        return JsonString.quote(text);
    }

    /** What a key costs in a space's byte budget: the UTF-8 lengths of its name and its value. */
    public static long size(String key, String value) {
        return JsonString.utf8Length(key) + JsonString.utf8Length(value);
    }

    private static StringBuilder by(StringBuilder json, String by) {
        return by == null ? json : json.append(",\"by\":").append(quote(by));
    }
}

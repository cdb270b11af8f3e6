package dev.roomkeeper.polls.entity;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.List;

/**
 * One voter's vote on one poll: the value of the key {@code vote/<pollId>/<userId>}. A change of vote replaces the
 * key (compare-and-set on the version and text read), carrying the vote it replaced and that vote's version, so that the
 * close can count the vote a voter had when the poll closed even if a change raced the close (see
 * {@link Tally#atClose}).
 *
 * @param options         the chosen option ids, in the poll's order
 * @param at              epoch ms of the vote
 * @param previous        the options of the vote this one replaced; empty for a first vote
 * @param previousVersion the version of the vote this one replaced; 0 for a first vote
 * @param previousAt      epoch ms of the vote this one replaced; 0 for a first vote
 * @param nonce           random: makes every ballot's stored text unique, since a change is written "if unchanged"
 *                        (version and text) and silently written keys share versions between room events
 */
public record Ballot(List<String> options, long at, List<String> previous, long previousVersion, long previousAt,
                     String nonce) {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    public Ballot {
        options = List.copyOf(options);
        previous = List.copyOf(previous);
    }

    /** A vote for {@code options} at {@code at} that replaces {@code replaced} (null for a first vote). */
    public static Ballot replacing(List<String> options, long at, Ballot replaced, long replacedVersion) {
        String nonce = Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
        return replaced == null ? new Ballot(options, at, List.of(), 0, 0, nonce)
                : new Ballot(options, at, replaced.options(), replacedVersion, replaced.at(), nonce);
    }

    public String toValue() {
        JsonObjectBuilder json = JSON.createObjectBuilder().add("o", array(options)).add("t", at).add("n", nonce);
        if (previousVersion > 0) {
            json.add("p", array(previous)).add("pv", previousVersion).add("pt", previousAt);
        }
        return json.build().toString();
    }

    public static Ballot fromValue(String value) {
        JsonObject json;
        try (JsonReader reader = JSON.createReader(new StringReader(value))) {
            json = reader.readObject();
        }
        List<String> options = json.getJsonArray("o").getValuesAs(JsonString::getString);
        long pv = json.containsKey("pv") ? json.getJsonNumber("pv").longValue() : 0;
        List<String> previous = pv > 0 ? json.getJsonArray("p").getValuesAs(JsonString::getString) : List.of();
        long pt = pv > 0 ? json.getJsonNumber("pt").longValue() : 0;
        return new Ballot(options, json.getJsonNumber("t").longValue(), previous, pv, pt, json.getString("n", ""));
    }

    private static JsonArrayBuilder array(List<String> ids) {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        ids.forEach(array::add);
        return array;
    }
}

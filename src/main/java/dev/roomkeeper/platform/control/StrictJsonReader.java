package dev.roomkeeper.platform.control;

import dev.roomkeeper.platform.entity.JsonString;
import dev.roomkeeper.platform.entity.WholeNumber;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.StringReader;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The one way JSON from clients is read: WebSocket frames and REST bodies alike. One streaming walk builds the
 * value and refuses, with a {@link Refused} that says why:
 * <ul>
 *     <li>anything that is not JSON (RFC 8259), and anything after the value but white space;</li>
 *     <li>an object with the same member name twice (left to JSON-P, the last one wins: {@code {"sub":"a","sub":"b"}}
 *     would be read as {@code b} here and as {@code a} by a client that keeps the first);</li>
 *     <li>a string or member name holding a lone surrogate ({@code "\ud800"}): not Unicode, cannot be sent on as
 *     UTF-8, and once stalled every subscriber's send queue;</li>
 *     <li>objects and arrays nested deeper than {@code roomkeeper.json.max-depth} (32): the walk stops there, long
 *     before the parser's own limit (1,000, refused with a bare RuntimeException that once closed sockets with
 *     1011).</li>
 * </ul>
 * Numbers are kept exactly as sent (JSON-P's own numbers); whoever reads one as a whole number reads it exactly
 * ({@link WholeNumber}).
 */
@ApplicationScoped
public class StrictJsonReader {

    public static final int DEFAULT_MAX_DEPTH = 32;
    /** Well under the parser's own limit (1,000), and the walk recurses once per level. */
    public static final int MAX_MAX_DEPTH = 256;
    private static final int MAX_NAME_SHOWN = 64;

    /** Looked up once: {@code Json.create*} asks the ServiceLoader on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Logger LOG = Logger.getLogger(StrictJsonReader.class.getName());

    @Inject
    @ConfigProperty(name = "roomkeeper.json.max-depth", defaultValue = "" + DEFAULT_MAX_DEPTH)
    String configuredMaxDepth;

    private int maxDepth;

    /** For CDI: the depth comes from {@code roomkeeper.json.max-depth}. */
    protected StrictJsonReader() {
        this.maxDepth = DEFAULT_MAX_DEPTH;
    }

    public StrictJsonReader(int maxDepth) {
        if (maxDepth < 1 || maxDepth > MAX_MAX_DEPTH) {
            throw new IllegalArgumentException("max depth must be 1 to " + MAX_MAX_DEPTH);
        }
        this.maxDepth = maxDepth;
    }

    @PostConstruct
    void init() {
        String value = configuredMaxDepth == null ? "" : configuredMaxDepth.strip();
        OptionalLong parsed = WholeNumber.parse(value, 1, MAX_MAX_DEPTH);
        if (parsed.isPresent()) {
            maxDepth = (int) parsed.getAsLong();
        } else {
            LOG.warning(() -> "roomkeeper.json.max-depth=" + value + " is not a whole number from 1 to " + MAX_MAX_DEPTH
                    + "; using " + DEFAULT_MAX_DEPTH);
            maxDepth = DEFAULT_MAX_DEPTH;
        }
    }

    /** How deep objects and arrays may nest: 1 allows {@code {"a":1}} but not {@code {"a":{}}}. */
    public int maxDepth() {
        return maxDepth;
    }

    /**
     * Reads one JSON value, of any type, from the whole of {@code text}.
     *
     * @throws Refused when {@code text} is not strictly one JSON value within the rules above
     */
    public JsonValue read(String text) {
        try (JsonParser parser = JSON.createParser(new StringReader(text))) {
            if (!parser.hasNext()) {
                throw new Refused(Refusal.SYNTAX, "The JSON is empty.", null);
            }
            JsonValue value = value(parser, parser.next(), 1);
            boolean more;
            try {
                more = parser.hasNext();
            } catch (RuntimeException trailing) {
                more = true; // the parser refuses what follows the value, or what it cannot even read
            }
            if (more) {
                throw new Refused(Refusal.TRAILING, "Something follows the JSON value; send exactly one value.", null);
            }
            return value;
        } catch (Refused refused) {
            throw refused;
        } catch (JsonParsingException e) {
            throw new Refused(Refusal.SYNTAX, "Not valid JSON: " + e.getMessage(), null);
        } catch (RuntimeException e) {
            // the parser's own limits (numbers over 1,100 digits, ...) and whatever else it throws: never a 500
            throw new Refused(Refusal.SYNTAX, "Not valid JSON.", null);
        }
    }

    private JsonValue value(JsonParser parser, JsonParser.Event event, int depth) {
        return switch (event) {
            case START_OBJECT -> object(parser, depth);
            case START_ARRAY -> array(parser, depth);
            case VALUE_STRING -> JSON.createValue(text(parser.getString(), "A string"));
            case VALUE_NUMBER, VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> parser.getValue();
            default -> throw new Refused(Refusal.SYNTAX, "Not valid JSON: unexpected " + event + ".", null);
        };
    }

    private JsonValue object(JsonParser parser, int depth) {
        deepEnough(depth);
        JsonObjectBuilder object = JSON.createObjectBuilder();
        Set<String> names = new HashSet<>();
        String id = null;
        try {
            for (JsonParser.Event event = parser.next(); event != JsonParser.Event.END_OBJECT; event = parser.next()) {
                String name = text(parser.getString(), "A member name");
                if (!names.add(name)) {
                    throw new Refused(Refusal.DUPLICATE_NAME, "The member name " + shown(name)
                            + " appears twice in one object; each name may appear once.", name);
                }
                JsonValue value = value(parser, parser.next(), depth + 1);
                if (depth == 1 && name.equals("id") && value instanceof jakarta.json.JsonString string) {
                    id = string.getString();
                }
                object.add(name, value);
            }
        } catch (Refused refused) {
            if (depth == 1 && id != null && refused.topLevelId == null) {
                refused.topLevelId = id;
            }
            throw refused;
        }
        return object.build();
    }

    private JsonValue array(JsonParser parser, int depth) {
        deepEnough(depth);
        JsonArrayBuilder array = JSON.createArrayBuilder();
        for (JsonParser.Event event = parser.next(); event != JsonParser.Event.END_ARRAY; event = parser.next()) {
            array.add(value(parser, event, depth + 1));
        }
        return array.build();
    }

    private void deepEnough(int depth) {
        if (depth > maxDepth) {
            throw new Refused(Refusal.TOO_DEEP, "Objects and arrays nest deeper than " + maxDepth
                    + " levels; at most " + maxDepth + " are read.", null);
        }
    }

    private static String text(String text, String what) {
        if (!JsonString.wellFormed(text)) {
            throw new Refused(Refusal.LONE_SURROGATE, what + " holds a lone surrogate (an escape from \\ud800 to "
                    + "\\udfff without its pair): not valid Unicode.", null);
        }
        return text;
    }

    private static String shown(String name) {
        String cut = name.length() > MAX_NAME_SHOWN ? name.substring(0, MAX_NAME_SHOWN) + "…" : name;
        return JsonString.quote(cut);
    }

    /** Why JSON was refused. */
    public enum Refusal {
        SYNTAX, TRAILING, DUPLICATE_NAME, LONE_SURROGATE, TOO_DEEP
    }

    /** JSON refused by the rules of {@link StrictJsonReader}; the message says why, for the client. */
    public static final class Refused extends RuntimeException {

        private final Refusal refusal;
        private final String name;
        private String topLevelId;

        Refused(Refusal refusal, String message, String name) {
            super(message, null, false, false);
            this.refusal = refusal;
            this.name = name;
        }

        public Refusal refusal() {
            return refusal;
        }

        /** For {@link Refusal#DUPLICATE_NAME}: the name that appeared twice; null otherwise. */
        public String name() {
            return name;
        }

        /**
         * The string member {@code "id"} of the outermost object, when it was read before the refusal: lets a frame
         * too deep or too odd for any parser still be answered by its id.
         */
        public String topLevelId() {
            return topLevelId;
        }
    }
}

package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.entity.Problem;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.stream.JsonParser;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON-B for request bodies that takes JSON types at their word. Left to itself, JSON-B turns
 * {@code {"title":5}} into the string "5", {@code "7"} into the number 7, and truncates
 * {@code {"maxUses":1.5}} to 1: a client's mistake would be stored as something it never sent. Here a
 * string field takes only a JSON string, a whole-number field only a JSON integer in range, a boolean
 * only {@code true}/{@code false}; {@code null} stays null. Anything else is a 400 {@code validation}
 * problem naming the field ({@link #mistyped}).
 */
@Provider
public class StrictJson implements ContextResolver<Jsonb> {

    private static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig().withDeserializers(
            new Strings(), new Integers(), new Longs(), new Booleans()));
    /** How Yasson names the property whose value failed. */
    private static final Pattern PROPERTY = Pattern.compile("property '([^']{1,100})'");

    @Override
    public Jsonb getContext(Class<?> type) {
        return JSONB;
    }

    /**
     * The field error of a body rejected for a value of the wrong JSON type, found anywhere in the
     * cause chain of {@code failure}; empty for any other failure.
     */
    static Optional<Problem.FieldError> mistyped(Throwable failure) {
        String property = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (property == null && t.getMessage() != null) {
                Matcher m = PROPERTY.matcher(t.getMessage());
                if (m.find()) {
                    property = m.group(1);
                }
            }
            if (t instanceof MistypedValue mistyped) {
                return Optional.of(new Problem.FieldError(property == null ? "body" : property, mistyped.getMessage()));
            }
        }
        return Optional.empty();
    }

    /** A JSON value of the wrong type for its field; the message is shown to the client. */
    static final class MistypedValue extends JsonbException {
        MistypedValue(String message) {
            super(message);
        }
    }

    private static final class Strings implements JsonbDeserializer<String> {
        @Override
        public String deserialize(JsonParser parser, DeserializationContext context, Type type) {
            JsonValue value = parser.getValue();
            if (value == JsonValue.NULL) {
                return null;
            }
            if (value instanceof JsonString text) {
                return text.getString();
            }
            throw new MistypedValue("must be a string");
        }
    }

    private static final class Integers implements JsonbDeserializer<Integer> {
        @Override
        public Integer deserialize(JsonParser parser, DeserializationContext context, Type type) {
            BigDecimal value = whole(parser.getValue());
            if (value == null) {
                return null;
            }
            try {
                return value.intValueExact();
            } catch (ArithmeticException e) {
                throw new MistypedValue("must be a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE);
            }
        }
    }

    private static final class Longs implements JsonbDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser parser, DeserializationContext context, Type type) {
            BigDecimal value = whole(parser.getValue());
            if (value == null) {
                return null;
            }
            try {
                return value.longValueExact();
            } catch (ArithmeticException e) {
                throw new MistypedValue("must be a whole number from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE);
            }
        }
    }

    private static final class Booleans implements JsonbDeserializer<Boolean> {
        @Override
        public Boolean deserialize(JsonParser parser, DeserializationContext context, Type type) {
            JsonValue value = parser.getValue();
            if (value == JsonValue.NULL) {
                return null;
            }
            if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
                return value == JsonValue.TRUE;
            }
            throw new MistypedValue("must be true or false");
        }
    }

    /** A JSON number without a fraction; null for JSON null. */
    private static BigDecimal whole(JsonValue value) {
        if (value == JsonValue.NULL) {
            return null;
        }
        if (value instanceof JsonNumber number) {
            BigDecimal exact = number.bigDecimalValue();
            // 1e4 and 3.0 are whole numbers too, whatever their notation
            if (exact.signum() == 0 || exact.stripTrailingZeros().scale() <= 0) {
                return exact;
            }
        }
        throw new MistypedValue("must be a whole number");
    }
}

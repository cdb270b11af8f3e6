package dev.roomkeeper.presence.entity;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import java.util.Locale;

/** Stores a {@link LeaveReason} as its lower-case wire name, so the column reads the same as the API. */
@Converter
public class LeaveReasonConverter implements AttributeConverter<LeaveReason, String> {

    @Override
    public String convertToDatabaseColumn(LeaveReason reason) {
        return reason == null ? null : reason.wireName();
    }

    @Override
    public LeaveReason convertToEntityAttribute(String column) {
        if (column == null) {
            return null;
        }
        try {
            return LeaveReason.valueOf(column.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("unknown leave reason in database: " + column, e);
        }
    }
}

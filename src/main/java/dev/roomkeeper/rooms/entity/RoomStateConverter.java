package dev.roomkeeper.rooms.entity;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a {@link RoomState} as its lower-case wire name. */
@Converter
public class RoomStateConverter implements AttributeConverter<RoomState, String> {

    @Override
    public String convertToDatabaseColumn(RoomState state) {
        return state == null ? null : state.wireName();
    }

    @Override
    public RoomState convertToEntityAttribute(String column) {
        if (column == null) {
            return null;
        }
        return RoomState.fromWire(column)
                .orElseThrow(() -> new IllegalStateException("unknown room state in database: " + column));
    }
}

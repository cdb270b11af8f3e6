package dev.roomkeeper.auth.entity;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a {@link Role} as its lower-case wire name, so the column reads the same as the API. */
@Converter
public class RoleConverter implements AttributeConverter<Role, String> {

    @Override
    public String convertToDatabaseColumn(Role role) {
        return role == null ? null : role.wireName();
    }

    @Override
    public Role convertToEntityAttribute(String column) {
        if (column == null) {
            return null;
        }
        return Role.fromWire(column).orElseThrow(() -> new IllegalStateException("unknown role in database: " + column));
    }
}

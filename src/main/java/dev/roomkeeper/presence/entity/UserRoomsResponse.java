package dev.roomkeeper.presence.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;

/** The rooms (ids, sorted) where a user has at least one live presence session. */
@JsonbPropertyOrder({"userId", "rooms"})
public record UserRoomsResponse(String userId, List<String> rooms) {
}

package dev.roomkeeper.platform.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;

/**
 * One page of a longer list.
 *
 * @param items  the items on this page, at most {@code limit}
 * @param offset how many items come before this page
 * @param limit  the most items a page may hold
 * @param total  how many items the whole list holds
 */
@JsonbPropertyOrder({"items", "offset", "limit", "total"})
public record Page<T>(List<T> items, int offset, int limit, long total) {

    public Page {
        items = items == null ? List.of() : List.copyOf(items);
    }
}

package dev.roomkeeper.platform.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;

/**
 * An RFC 9457 problem detail, sent as {@code application/problem+json}.
 *
 * @param type     a URI naming the kind of problem, relative to the API docs
 * @param title    a short, stable summary of the kind of problem
 * @param status   the HTTP status
 * @param detail   what went wrong this time, for a person to read
 * @param instance the request path
 * @param errors   for validation problems: the fields that were wrong
 */
@JsonbPropertyOrder({"type", "title", "status", "detail", "instance", "errors"})
public record Problem(String type, String title, int status, String detail, String instance,
                      List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One invalid field of a request. */
    public record FieldError(String field, String message) {
    }
}

package dev.roomkeeper.platform.boundary;

import dev.roomkeeper.platform.entity.Problem;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Comparator;
import java.util.List;

/** Bean Validation failures: 400 with the invalid fields listed, and no internals. */
@Provider
public class ConstraintViolationMapper implements ExceptionMapper<ConstraintViolationException> {

    @Context
    UriInfo uriInfo;

    @Override
    public Response toResponse(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(field(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        return Problems.response(400, "validation", "Invalid request", "The request has invalid fields.", uriInfo, errors);
    }

    /** The last meaningful node of the path: the field or parameter name, not the method. */
    static String field(ConstraintViolation<?> violation) {
        String name = null;
        for (Path.Node node : violation.getPropertyPath()) {
            switch (node.getKind()) {
                case PROPERTY, PARAMETER, CONTAINER_ELEMENT -> name = node.getName();
                default -> {
                }
            }
        }
        if (name == null || name.startsWith("arg")) {
            return "body";
        }
        return name;
    }
}

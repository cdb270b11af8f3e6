package dev.roomkeeper.platform.boundary;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A resource method that takes its body as it comes: {@link StrictBodyFilter} neither bounds nor parses it, so the
 * method must bound what it reads itself (take an {@code InputStream}, never a {@code String}). For calls whose
 * contract is to accept anything, such as the {@code sendBeacon} disconnect, which answers 204 to any body.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RawBody {
}

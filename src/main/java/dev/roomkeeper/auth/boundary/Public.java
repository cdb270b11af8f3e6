package dev.roomkeeper.auth.boundary;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A resource class or method callable without a token. {@link BearerAuthenticationFilter} skips it, so
 * its {@code SecurityContext} carries no {@code Caller}. Use sparingly: every other call needs a token.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Public {
}

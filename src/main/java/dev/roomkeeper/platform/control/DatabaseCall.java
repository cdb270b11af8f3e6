package dev.roomkeeper.platform.control;

import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean (or method) whose calls use the database: each call goes through {@link DatabaseAvailability},
 * so it is refused at once with the 503 {@code database-unavailable} while the database is down, and a failure
 * because the database is unreachable or too slow becomes that 503 (and marks it down) instead of an exception a
 * caller would answer with a 500. Wraps the bean's transaction, so failures at commit are seen too.
 */
@Inherited
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface DatabaseCall {
}

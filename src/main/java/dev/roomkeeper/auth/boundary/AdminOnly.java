package dev.roomkeeper.auth.boundary;

import jakarta.ws.rs.NameBinding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A resource class or method only admins may call; others get 403 from {@link AdminAuthorizationFilter}.
 * A caller is admin when the token's {@code groups} claim holds {@code roomkeeper.auth.admin-group}.
 */
@NameBinding
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface AdminOnly {

    /** The role name for {@code SecurityContext.isUserInRole}. */
    String ROLE = "admin";
}

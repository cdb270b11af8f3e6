package dev.roomkeeper.platform.control;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * Runs the calls of {@link DatabaseCall} beans through {@link DatabaseAvailability}. Its priority puts it outside
 * {@code @Transactional} (which is {@code PLATFORM_BEFORE + 200}), so a commit that fails because the database went
 * away is seen as the outage it is.
 */
@DatabaseCall
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class DatabaseCallInterceptor {

    @Inject
    DatabaseAvailability database;

    @AroundInvoke
    Object guard(InvocationContext invocation) throws Exception {
        return database.intercept(invocation);
    }
}

package dev.roomkeeper.auth.boundary;

import dev.roomkeeper.auth.control.DevTokenMode;
import dev.roomkeeper.auth.control.TokenVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.ArrayList;
import java.util.List;

/**
 * Ready only when tokens can be verified with the intended configuration: DOWN when no key is usable, when
 * the auth configuration was refused, or when dev tokens are requested in production.
 */
@Readiness
@ApplicationScoped
public class AuthReadinessCheck implements HealthCheck {

    @Inject
    TokenVerifier tokens;

    @Override
    public HealthCheckResponse call() {
        List<String> reasons = new ArrayList<>(tokens.configurationProblems());
        if (tokens.devTokens() == DevTokenMode.REFUSED) {
            reasons.add("dev tokens are requested (roomkeeper.auth.dev-tokens=true) but roomkeeper.mode is not development");
        }
        if (reasons.isEmpty() && !tokens.keyConfigured()) {
            reasons.add("no verification key: set roomkeeper.auth.hs256-secret, roomkeeper.auth.public-key "
                    + "or roomkeeper.auth.public-key-location");
        }
        var response = HealthCheckResponse.named("roomkeeper-auth")
                .status(reasons.isEmpty())
                .withData("algorithms", String.join(",", tokens.algorithms()))
                .withData("devTokens", tokens.devTokens().code());
        if (!reasons.isEmpty()) {
            response.withData("reason", String.join("; ", reasons));
        }
        return response.build();
    }
}

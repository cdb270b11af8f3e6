package dev.roomkeeper.testing.arquillian;

import org.jboss.arquillian.core.spi.LoadableExtension;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Arquillian extension of the in-server tests (registered in
 * {@code META-INF/services/org.jboss.arquillian.core.spi.LoadableExtension}): one Payara boot for every test
 * class ({@link SharedDeployments}), and an HS256 secret made for this run, before {@code arquillian.xml} is read
 * (it passes it to the server as {@code ${roomkeeper.inserver.secret}}; tests sign tokens with
 * {@link #secret()}), so no secret is stored.
 */
public class OneBootExtension implements LoadableExtension {

    static final String SECRET_PROPERTY = "roomkeeper.inserver.secret";

    @Override
    public void register(ExtensionBuilder builder) {
        secret();
        builder.observer(SharedDeployments.class);
    }

    /** This run's secret, made on first use. */
    public static synchronized String secret() {
        String secret = System.getProperty(SECRET_PROPERTY);
        if (secret == null) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            System.setProperty(SECRET_PROPERTY, secret);
        }
        return secret;
    }
}

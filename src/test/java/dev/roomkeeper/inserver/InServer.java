package dev.roomkeeper.inserver;

import dev.roomkeeper.testing.arquillian.OneBootExtension;
import org.awaitility.Awaitility;
import org.hamcrest.Matcher;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.net.URISyntaxException;

/**
 * The deployment every in-server test class names: the WAR the build made (so migrations, the persistence unit
 * and the data source are the real ones) plus this package (the tests, their helper beans and the example
 * feature in {@code tally}), and Awaitility for waiting on timers. Named {@code shared-...}, so Payara boots once
 * for all of them ({@code testing/arquillian/SharedDeployments}). Used on the client side only: the server never
 * loads it (nor ShrinkWrap).
 */
final class InServer {

    static final String NAME = "shared-roomkeeper";

    private InServer() {
    }

    static WebArchive war() {
        File war = new File(System.getProperty("roomkeeper.war", "target/roomkeeper.war"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, war)
                .addPackages(true, InServer.class.getPackage())
                .addAsLibraries(jarOf(Awaitility.class), jarOf(Matcher.class));
    }

    /** The secret this run's server verifies tokens with (made by the Arquillian extension, client side). */
    static String secret() {
        return OneBootExtension.secret();
    }

    private static File jarOf(Class<?> type) {
        try {
            return new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

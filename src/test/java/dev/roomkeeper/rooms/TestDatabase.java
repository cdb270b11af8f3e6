package dev.roomkeeper.rooms;

import dev.roomkeeper.rooms.entity.IdleSweepRun;
import dev.roomkeeper.rooms.entity.Invite;
import dev.roomkeeper.rooms.entity.Membership;
import dev.roomkeeper.rooms.entity.Room;
import org.flywaydb.core.Flyway;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An in-memory H2 database migrated by the real Flyway scripts, and Hibernate over the rooms entities
 * with the persistence unit's own properties (schema validation included) but local transactions.
 */
public final class TestDatabase {

    /** Held so the levels stay set: Hibernate and Flyway chat at INFO on every start. */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("org.hibernate"), Logger.getLogger("org.flywaydb"));

    static {
        QUIET.forEach(logger -> logger.setLevel(Level.SEVERE));
    }

    private TestDatabase() {
    }

    /** A fresh, migrated, private database; its JDBC URL. */
    public static String migrated() {
        String url = "jdbc:h2:mem:rooms-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Flyway.configure(TestDatabase.class.getClassLoader())
                .dataSource(url, "sa", "")
                .locations("classpath:db/migration")
                .load()
                .migrate();
        return url;
    }

    /** Hibernate over {@code entities} on {@code url}, failing when the mapping does not match the schema. */
    public static SessionFactory sessionFactory(String url, Class<?>... entities) {
        Configuration configuration = new Configuration();
        persistenceUnitProperties().forEach(configuration::setProperty);
        configuration.setProperty("hibernate.connection.url", url);
        configuration.setProperty("hibernate.connection.username", "sa");
        configuration.setProperty("hibernate.connection.password", "");
        configuration.setProperty("hibernate.connection.pool_size", "2");
        configuration.setProperty("hibernate.hbm2ddl.auto", "validate");
        for (Class<?> entity : entities) {
            configuration.addAnnotatedClass(entity);
        }
        return configuration.buildSessionFactory();
    }

    /** A migrated database with Hibernate over the rooms entities. */
    public static SessionFactory rooms() {
        return rooms(migrated());
    }

    /** Hibernate over the rooms entities on an already migrated database, for a second connection pool. */
    public static SessionFactory rooms(String url) {
        return sessionFactory(url, Room.class, Membership.class, Invite.class, IdleSweepRun.class);
    }

    /** The properties of the {@code roomkeeper} unit in META-INF/persistence.xml. */
    static Map<String, String> persistenceUnitProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        try (InputStream in = TestDatabase.class.getClassLoader().getResourceAsStream("META-INF/persistence.xml")) {
            if (in == null) {
                throw new IllegalStateException("META-INF/persistence.xml is not on the class path");
            }
            var factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            NodeList nodes = factory.newDocumentBuilder().parse(in).getElementsByTagNameNS("*", "property");
            for (int i = 0; i < nodes.getLength(); i++) {
                Element property = (Element) nodes.item(i);
                properties.put(property.getAttribute("name"), property.getAttribute("value"));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read persistence.xml", e);
        }
        return properties;
    }
}

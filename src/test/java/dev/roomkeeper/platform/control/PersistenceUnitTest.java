package dev.roomkeeper.platform.control;

import jakarta.persistence.Converter;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Entity;
import jakarta.persistence.MappedSuperclass;
import org.junit.jupiter.api.Test;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * persistence.xml lists its classes because Hibernate, packaged in the WAR, cannot scan WildFly's
 * archives: every entity and converter of the application must be listed, and nothing else.
 */
class PersistenceUnitTest {

    private static final List<Class<? extends Annotation>> MAPPED =
            List.of(Entity.class, Converter.class, Embeddable.class, MappedSuperclass.class);

    @Test
    void listsEveryEntityAndConverter() throws Exception {
        assertEquals(annotatedClasses(), listedClasses());
    }

    private static Set<String> listedClasses() throws Exception {
        Set<String> listed = new TreeSet<>();
        try (InputStream xml = PersistenceUnitTest.class.getResourceAsStream("/META-INF/persistence.xml")) {
            NodeList classes = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml)
                    .getElementsByTagName("class");
            for (int i = 0; i < classes.getLength(); i++) {
                listed.add(classes.item(i).getTextContent().trim());
            }
        }
        return listed;
    }

    private static Set<String> annotatedClasses() throws Exception {
        Path root = Path.of(MigratingPersistenceProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".")
                        .replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, PersistenceUnitTest.class.getClassLoader());
                if (MAPPED.stream().anyMatch(type::isAnnotationPresent)) {
                    found.add(name);
                }
            }
        }
        return found;
    }
}

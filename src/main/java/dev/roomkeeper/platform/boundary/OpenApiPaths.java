package dev.roomkeeper.platform.boundary;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.Paths;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes JAX-RS path templates with a regular expression ({@code {key: .+}}, for room-state keys that contain
 * {@code /}) as OpenAPI path parameters ({@code {key}}), which is what clients and generators expect; the
 * servers write them as declared. Registered by {@code mp.openapi.filter}. The expressions in our paths hold no
 * braces of their own.
 */
public class OpenApiPaths implements OASFilter {

    private static final Pattern TEMPLATE = Pattern.compile("\\{\\s*([A-Za-z0-9_]+)\\s*:[^}]*}");

    /** A path as OpenAPI writes it: every {@code {name: regex}} becomes {@code {name}}. */
    static String plain(String path) {
        return TEMPLATE.matcher(path).replaceAll("{$1}");
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Paths paths = openAPI.getPaths();
        if (paths == null || paths.getPathItems() == null
                || paths.getPathItems().keySet().stream().noneMatch(p -> TEMPLATE.matcher(p).find())) {
            return;
        }
        Map<String, PathItem> plain = new LinkedHashMap<>();
        paths.getPathItems().forEach((path, item) -> plain.merge(plain(path), item, (a, b) -> a));
        paths.setPathItems(plain);
    }
}

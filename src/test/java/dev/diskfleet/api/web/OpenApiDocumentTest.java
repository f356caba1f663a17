package dev.diskfleet.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.FullStackTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * openapi/openapi.yaml is the committed API document: it must be what the running service serves.
 * After a deliberate API change, regenerate it with
 * {@code mvn -B -o test -Dtest=OpenApiDocumentTest -Dopenapi.write=true} and commit the result.
 */
class OpenApiDocumentTest extends FullStackTest {

    static final Path COMMITTED = Path.of("openapi", "openapi.yaml");
    static final String REGENERATE = "mvn -B -o test -Dtest=OpenApiDocumentTest -Dopenapi.write=true";

    @Test
    void liveApiDocumentIsTheCommittedOne() throws IOException {
        String live = api.get("/v3/api-docs.yaml").expect(200).text();
        if (Boolean.getBoolean("openapi.write")) {
            Files.createDirectories(COMMITTED.getParent());
            Files.writeString(COMMITTED, live, StandardCharsets.UTF_8);
        }
        assertThat(COMMITTED).as("the committed API document; create it with: " + REGENERATE).exists();
        String committed = Files.readString(COMMITTED, StandardCharsets.UTF_8);
        if (!live.equals(committed)) {
            throw new AssertionError("the live /v3/api-docs differs from " + COMMITTED + " " + firstDifference(
                    committed, live) + "\nIf the change is intended, regenerate the file with: " + REGENERATE);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDocumentsLicenceIsTheOneInTheLicenseFile() throws IOException {
        Map<String, Object> document = new Yaml().load(api.get("/v3/api-docs.yaml").expect(200).text());
        Map<String, Object> license = (Map<String, Object>) ((Map<String, Object>) document.get("info")).get("license");
        assertThat(license).containsEntry("identifier", "Apache-2.0").containsEntry("name", "Apache License 2.0");
        String file = Files.readString(Path.of("LICENSE"), StandardCharsets.UTF_8);
        assertThat(file.strip()).startsWith("Apache License\n                           Version 2.0, January 2004")
                .contains("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION").contains("END OF TERMS AND CONDITIONS");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyEndpointIsDocumentedWithAnExample() {
        Map<String, Object> document = new Yaml().load(api.get("/v3/api-docs.yaml").expect(200).text());
        Map<String, Object> schemas = (Map<String, Object>) ((Map<String, Object>) document.get("components"))
                .get("schemas");
        List<String> undocumented = new ArrayList<>();
        ((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, operations) ->
                operations.forEach((method, operation) -> {
                    Map<String, Object> op = (Map<String, Object>) operation;
                    if (op.get("summary") == null || !hasExample(op, schemas, new HashSet<>())) {
                        undocumented.add(method.toUpperCase() + " " + path);
                    }
                }));
        assertThat(undocumented).as("endpoints without a summary or any example").isEmpty();
        assertThat(((Map<String, Object>) document.get("info")).get("title")).isEqualTo("Diskfleet API");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyOperationHasANamedIdASuccessAndItsRefusals() {
        Map<String, Object> document = new Yaml().load(api.get("/v3/api-docs.yaml").expect(200).text());
        List<String> flawed = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        ((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, operations) ->
                operations.forEach((method, operation) -> {
                    Map<String, Object> op = (Map<String, Object>) operation;
                    String id = String.valueOf(op.get("operationId"));
                    Set<String> statuses = ((Map<String, Object>) op.get("responses")).keySet();
                    String where = method.toUpperCase() + " " + path + " (" + id + ")";
                    if (id.matches(".*_\\d+") || !ids.add(id)) {
                        flawed.add(where + ": an auto-numbered or repeated operationId");
                    }
                    if (statuses.stream().noneMatch(status -> status.startsWith("2"))) {
                        flawed.add(where + ": no success response");
                    }
                    if (path.startsWith("/api/") && !statuses.containsAll(List.of("401", "403"))) {
                        flawed.add(where + ": no 401/403");
                    }
                }));
        assertThat(flawed).isEmpty();
    }

    /** Whether an example appears in the operation or in a schema it refers to. */
    @SuppressWarnings("unchecked")
    private static boolean hasExample(Object node, Map<String, Object> schemas, Set<String> seen) {
        if (node instanceof Map<?, ?> map) {
            if (map.containsKey("example") || map.containsKey("examples")) {
                return true;
            }
            Object ref = map.get("$ref");
            if (ref instanceof String name && seen.add(name)) {
                Object schema = schemas.get(name.substring(name.lastIndexOf('/') + 1));
                if (hasExample(schema, schemas, seen)) {
                    return true;
                }
            }
            for (Object value : map.values()) {
                if (hasExample(value, schemas, seen)) {
                    return true;
                }
            }
        } else if (node instanceof List<?> list) {
            for (Object value : list) {
                if (hasExample(value, schemas, seen)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String firstDifference(String committed, String live) {
        String[] a = committed.split("\n", -1);
        String[] b = live.split("\n", -1);
        int line = 0;
        while (line < a.length && line < b.length && a[line].equals(b[line])) {
            line++;
        }
        return "from line " + (line + 1) + ":\n  committed: " + (line < a.length ? a[line] : "<end of file>")
                + "\n  live:      " + (line < b.length ? b[line] : "<end of file>");
    }
}

package dev.diskfleet.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * What the HTTP tests received, judged against the committed API document (openapi/openapi.yaml): every
 * reply {@link DiskfleetClient} gets is recorded, and {@link #undocumented()} lists each (method, path
 * template, status) the document does not give for that operation. A request that matches no documented
 * operation (the actuator, static files, a method a path does not have) is not judged here.
 */
public final class DocumentedStatuses {

    static final Path DOCUMENT = Path.of("openapi", "openapi.yaml");
    private static final ConcurrentLinkedQueue<Exchange> RECEIVED = new ConcurrentLinkedQueue<>();
    private static volatile List<Operation> operations;

    private DocumentedStatuses() {
    }

    /** One reply as a client saw it: the path without its query. */
    public record Exchange(String method, String path, int status) {
    }

    private record Operation(String template, Pattern pattern, int variables, Map<String, Set<String>> statusesByMethod) {
    }

    static void record(String method, String path, int status) {
        RECEIVED.add(new Exchange(method.toUpperCase(Locale.ROOT), path, status));
    }

    /** Takes every reply recorded since the last call and returns those with a status their operation lacks. */
    public static Set<String> undocumented() {
        Set<String> found = new TreeSet<>();
        for (Exchange exchange; (exchange = RECEIVED.poll()) != null; ) {
            Exchange e = exchange;
            operationOf(e.path()).ifPresent(operation -> {
                Set<String> statuses = operation.statusesByMethod().get(e.method());
                if (statuses != null && !statuses.contains(String.valueOf(e.status()))) {
                    found.add(e.method() + " " + operation.template() + " answered " + e.status()
                            + "; documented: " + new TreeSet<>(statuses));
                }
            });
        }
        return found;
    }

    /** The documented path the request names: a literal path before a template that also matches it. */
    private static Optional<Operation> operationOf(String path) {
        return operations().stream().filter(operation -> operation.pattern().matcher(path).matches())
                .min(Comparator.comparingInt(Operation::variables));
    }

    @SuppressWarnings("unchecked")
    private static List<Operation> operations() {
        if (operations == null) {
            synchronized (DocumentedStatuses.class) {
                if (operations == null) {
                    Map<String, Object> document;
                    try {
                        document = new Yaml().load(Files.readString(DOCUMENT, StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read " + DOCUMENT, e);
                    }
                    List<Operation> parsed = new ArrayList<>();
                    ((Map<String, Map<String, Object>>) document.get("paths")).forEach((template, methods) -> {
                        Map<String, Set<String>> statuses = new java.util.HashMap<>();
                        methods.forEach((method, operation) -> {
                            Object responses = ((Map<String, Object>) operation).get("responses");
                            if (responses instanceof Map<?, ?> map) {
                                Set<String> codes = new TreeSet<>();
                                map.keySet().forEach(code -> codes.add(String.valueOf(code)));
                                statuses.put(method.toUpperCase(Locale.ROOT), codes);
                            }
                        });
                        String regex = "\\Q" + template.replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q") + "\\E";
                        int variables = template.split("\\{", -1).length - 1;
                        parsed.add(new Operation(template, Pattern.compile(regex), variables, Map.copyOf(statuses)));
                    });
                    operations = List.copyOf(parsed);
                }
            }
        }
        return operations;
    }
}

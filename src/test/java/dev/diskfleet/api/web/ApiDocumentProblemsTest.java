package dev.diskfleet.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.FullStackTest;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.RestController;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The problem examples of the API document tell the truth: no operation declares a response code twice
 * (springdoc keeps one of the two and silently drops the other's example), every example sits under the
 * status it says, and every example's {@code type} is one the code emits: a slug the main sources name
 * outside the documentation classes, or one Spring's statuses give ({@code not-found}).
 */
class ApiDocumentProblemsTest extends FullStackTest {

    private static final Pattern SLUG_LITERAL = Pattern.compile("\"([a-z0-9]+(?:-[a-z0-9]+)*)\"");
    private static final Pattern TYPE = Pattern.compile("https://diskfleet\\.dev/problems/([a-z0-9-]+)");
    /** Where examples are written, not emitted: a slug named only here is one the code never answers with. */
    private static final Set<String> DOCUMENTATION = Set.of("ProblemExamples.java", "DocumentedProblems.java");

    @Test
    void noOperationDeclaresAResponseCodeTwice() throws ClassNotFoundException {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(RestController.class));
        List<String> twice = new ArrayList<>();
        for (BeanDefinition controller : scanner.findCandidateComponents("dev.diskfleet.api")) {
            for (Method method : Class.forName(controller.getBeanClassName()).getDeclaredMethods()) {
                Set<String> codes = new HashSet<>();
                for (ApiResponse response : method.getAnnotationsByType(ApiResponse.class)) {
                    if (!codes.add(response.responseCode())) {
                        twice.add(method.getDeclaringClass().getSimpleName() + "." + method.getName() + " declares "
                                + response.responseCode() + " twice");
                    }
                }
            }
        }
        assertThat(twice).as("operations with a response code declared twice (merge their descriptions and"
                + " examples into one @ApiResponse)").isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyProblemExampleHasTheStatusItIsDeclaredUnderAndATypeTheCodeEmits() {
        Map<String, Object> document = new Yaml().load(api.get("/v3/api-docs.yaml").expect(200).text());
        Set<String> emitted = emittedSlugs();
        List<String> wrong = new ArrayList<>();
        int examples = 0;
        for (var path : ((Map<String, Map<String, Object>>) document.get("paths")).entrySet()) {
            for (var operation : path.getValue().entrySet()) {
                Map<String, Object> responses = (Map<String, Object>) ((Map<String, Object>) operation.getValue())
                        .get("responses");
                for (var response : responses.entrySet()) {
                    for (JsonNode example : problemExamples(response.getValue())) {
                        examples++;
                        String where = operation.getKey().toUpperCase() + " " + path.getKey() + " " + response.getKey();
                        Matcher type = TYPE.matcher(example.path("type").asString(""));
                        if (!type.matches() || !emitted.contains(type.group(1))) {
                            wrong.add(where + ": type " + example.path("type") + " is not one the code emits");
                        }
                        if (!String.valueOf(example.path("status").asInt()).equals(response.getKey())) {
                            wrong.add(where + ": the example says status " + example.path("status"));
                        }
                    }
                }
            }
        }
        assertThat(examples).as("problem examples in the document").isGreaterThan(100);
        assertThat(wrong).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<JsonNode> problemExamples(Object response) {
        List<JsonNode> found = new ArrayList<>();
        if (!(response instanceof Map<?, ?> map) || !(map.get("content") instanceof Map<?, ?> content)
                || !(content.get(DocumentedProblems.PROBLEM_JSON) instanceof Map<?, ?> media)) {
            return found;
        }
        if (media.get("example") != null) {
            found.add(node(media.get("example")));
        }
        if (media.get("examples") instanceof Map<?, ?> named) {
            for (Object example : named.values()) {
                Object value = ((Map<String, Object>) example).get("value");
                if (value != null) {
                    found.add(node(value));
                }
            }
        }
        return found;
    }

    private static JsonNode node(Object value) {
        JsonMapper json = JsonMapper.builder().build();
        return value instanceof String text ? json.readTree(text) : json.valueToTree(value);
    }

    /** The slugs string literals of the main sources name, and those Spring's statuses give. */
    private static Set<String> emittedSlugs() {
        Set<String> slugs = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !DOCUMENTATION.contains(f.getFileName().toString()))
                    .filter(f -> !f.getFileName().toString().endsWith("Documentation.java")).toList()) {
                Matcher literal = SLUG_LITERAL.matcher(Files.readString(file));
                while (literal.find()) {
                    slugs.add(literal.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        slugs.addAll(Arrays.stream(HttpStatus.values()).map(s -> s.name().toLowerCase().replace('_', '-'))
                .collect(Collectors.toSet()));
        return slugs;
    }
}

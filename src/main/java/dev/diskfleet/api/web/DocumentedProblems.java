package dev.diskfleet.api.web;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Adds refusals to operations of the API document, for the customizers that document what many operations
 * share (tokens, path ids, bodies, Idempotency-Key): a status the operation does not list yet becomes a new
 * problem+json response; one it already lists (with its own, specific example) gains one more named example.
 */
public final class DocumentedProblems {

    public static final String PROBLEM_JSON = "application/problem+json";
    /** The id every generated example uses for the last path variable; others get {@link #OTHER_ID}. */
    static final String SAMPLE_ID = "3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a";
    static final String OTHER_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    private static final Pattern PATH_VARIABLE = Pattern.compile("\\{[^}]+}");
    private static final Pattern TYPE_SLUG = Pattern.compile("problems/([a-z0-9-]+)");

    private DocumentedProblems() {
    }

    /** A problem document as {@link ProblemHandler} writes it. */
    public static Map<String, Object> problem(int status, String slug, String title, String detail, String instance) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", Problems.TYPE_BASE + slug);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("instance", instance);
        return problem;
    }

    /** The path with sample ids in its variables: the last one is {@link #SAMPLE_ID}. */
    public static String instance(String pathTemplate) {
        Matcher variables = PATH_VARIABLE.matcher(pathTemplate);
        int count = (int) PATH_VARIABLE.matcher(pathTemplate).results().count();
        StringBuilder out = new StringBuilder();
        int index = 0;
        while (variables.find()) {
            variables.appendReplacement(out, ++index == count ? SAMPLE_ID : OTHER_ID);
        }
        variables.appendTail(out);
        return out.toString();
    }

    /** Documents {@code status} on the operation with the example {@code name}, keeping what it already says. */
    public static void add(Operation operation, int status, String description, String name, Map<String, Object> example) {
        if (operation.getResponses() == null) {
            operation.setResponses(new ApiResponses());
        }
        String code = String.valueOf(status);
        ApiResponse response = operation.getResponses().get(code);
        if (response == null) {
            response = new ApiResponse().description(description);
            operation.getResponses().addApiResponse(code, response);
        } else if (response.getDescription() == null || response.getDescription().isBlank()) {
            response.setDescription(description);
        } else if (!response.getDescription().contains(description)) {
            response.setDescription(response.getDescription() + ". Or: " + description);
        }
        if (response.getContent() == null) {
            response.setContent(new Content());
        }
        MediaType problem = response.getContent().computeIfAbsent(PROBLEM_JSON, type -> new MediaType());
        if (problem.getSchema() == null) {
            problem.setSchema(new Schema<>().$ref("#/components/schemas/" + ProblemResponsesDocumentation.SCHEMA));
        }
        if (problem.getExample() != null) {
            // One unnamed example from an annotation: name it by its type so the two can sit side by side.
            Object single = problem.getExample();
            problem.setExample(null);
            problem.addExamples(slugOf(single), new Example().value(single));
        }
        if (problem.getExamples() == null || !problem.getExamples().containsKey(name)) {
            problem.addExamples(name, new Example().value(example));
        }
    }

    private static String slugOf(Object example) {
        Matcher slug = TYPE_SLUG.matcher(String.valueOf(example));
        return slug.find() ? slug.group(1) : "example";
    }
}

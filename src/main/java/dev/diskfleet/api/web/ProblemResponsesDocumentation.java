package dev.diskfleet.api.web;

import static dev.diskfleet.api.web.DocumentedProblems.add;
import static dev.diskfleet.api.web.DocumentedProblems.instance;
import static dev.diskfleet.api.web.DocumentedProblems.problem;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MapSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/**
 * Documents the refusals that follow from an operation's shape rather than from its feature, on every
 * operation under {@code /api/}: a path id that is no UUID (400) or names nothing (404, an example of the
 * path's own resource), a JSON body that is unreadable or invalid (400) or of another media type (415),
 * If-Match (412), Range (416), and Idempotency-Key (400, 409 while the first request runs, 422 on reuse).
 * Controllers document only what their feature adds (a 409 naming the holder, a 422 invalid image ...).
 */
@Component
class ProblemResponsesDocumentation implements OpenApiCustomizer {

    static final String SCHEMA = "Problem";
    private static final Pattern LAST_RESOURCE = Pattern.compile("/([a-z]+)s/\\{[^}]+}(?!.*\\{)");
    private static final String KEY = "5f0c6c2e-8d7b-4c4e-9a51-2b7f3e1d9a60";

    @Override
    public void customise(OpenAPI api) {
        if (api.getComponents() == null) {
            api.setComponents(new Components());
        }
        api.getComponents().addSchemas(SCHEMA, problemSchema());
        if (api.getPaths() == null) {
            return;
        }
        api.getPaths().forEach((path, item) -> {
            if (path.startsWith("/api/")) {
                item.readOperationsMap().forEach((method, operation) -> {
                    document(path, method, operation, api.getComponents());
                    problemsHaveTheirSchema(operation);
                });
            }
        });
    }

    /** Problem examples a controller gave get the schema the shared ones have. */
    private static void problemsHaveTheirSchema(Operation operation) {
        operation.getResponses().values().forEach(response -> {
            if (response.getContent() != null && response.getContent().get(DocumentedProblems.PROBLEM_JSON) != null
                    && response.getContent().get(DocumentedProblems.PROBLEM_JSON).getSchema() == null) {
                response.getContent().get(DocumentedProblems.PROBLEM_JSON)
                        .setSchema(new io.swagger.v3.oas.models.media.Schema<>().$ref("#/components/schemas/" + SCHEMA));
            }
        });
    }

    /** The body's first required field, for a validation example that names a field the body really has. */
    private static Optional<String> firstRequiredField(Operation operation, Components components) {
        var json = operation.getRequestBody().getContent() == null ? null
                : operation.getRequestBody().getContent().get("application/json");
        if (json == null || json.getSchema() == null || json.getSchema().get$ref() == null
                || components.getSchemas() == null) {
            return Optional.empty();
        }
        String ref = json.getSchema().get$ref();
        var schema = components.getSchemas().get(ref.substring(ref.lastIndexOf('/') + 1));
        return schema == null || schema.getRequired() == null ? Optional.empty()
                : schema.getRequired().stream().findFirst().map(String::valueOf);
    }

    private static void document(String path, PathItem.HttpMethod method, Operation operation, Components components) {
        String instance = instance(path);
        List<Parameter> parameters = Optional.ofNullable(operation.getParameters()).orElse(List.of());
        boolean body = operation.getRequestBody() != null;
        boolean idempotent = IdempotencyFilter.honours(method.name(), path);
        Matcher resource = LAST_RESOURCE.matcher(path);
        if (resource.find()) {
            String name = resource.group(1);
            String variable = parameters.stream().filter(p -> "path".equals(p.getIn())).reduce((a, b) -> b)
                    .map(Parameter::getName).orElse("id");
            add(operation, 400, "A path id is not a UUID", "invalid-parameter", withErrors(problem(400,
                    "invalid-parameter", "Invalid parameter", "path parameter '" + variable
                            + "' must be a UUID such as " + DocumentedProblems.SAMPLE_ID + ", got '42'", instance),
                    variable, "must be a UUID such as " + DocumentedProblems.SAMPLE_ID));
            add(operation, 404, "No " + name + " (or no parent resource) has this id", "not-found", problem(404,
                    "not-found", "Not found", name + " " + DocumentedProblems.SAMPLE_ID + " does not exist", instance));
        }
        parameters.stream().filter(p -> "query".equals(p.getIn())).findFirst().ifPresent(query -> add(operation, 400,
                "A query parameter is out of range or of the wrong type", "validation", withErrors(problem(400,
                        "validation", "Invalid request", "the request has invalid fields: " + query.getName()
                                + " is out of range", instance), query.getName(), "is out of range")));
        if (body) {
            String type = operation.getRequestBody().getContent() == null ? "application/json"
                    : String.join(", ", operation.getRequestBody().getContent().keySet());
            if (type.contains("json")) {
                add(operation, 400, "The body is not the expected JSON", "unreadable-body", problem(400,
                        "unreadable-body", "Unreadable request body", "the request body could not be read as the"
                                + " expected JSON: Unexpected end-of-input", instance));
                firstRequiredField(operation, components).ifPresent(field -> add(operation, 400,
                        "Invalid fields, each named in errors", "validation", withErrors(problem(400, "validation",
                                "Invalid request", "the request has invalid fields: " + field + " must not be null",
                                instance), field, "must not be null")));
            }
            add(operation, 415, "The body's Content-Type is not " + type, "unsupported-media-type", problem(415,
                    "unsupported-media-type", "Unsupported media type", "Content-Type 'text/plain' is not accepted"
                            + " on " + instance + "; send " + type, instance));
        }
        if (hasHeader(parameters, "If-Match")) {
            add(operation, 412, "If-Match names an older version", "stale-etag", problem(412, "stale-etag",
                    "Precondition failed", "the resource changed since you read it: it is at version 4, not 3;"
                            + " read it again and retry", instance));
        }
        if (hasHeader(parameters, "Range")) {
            add(operation, 416, "The range lies outside the disk", "range-not-satisfiable", problem(416,
                    "range-not-satisfiable", "Range not satisfiable", "Range 'bytes=20000000-' lies outside the"
                            + " 10485760-byte content; ask for bytes between 0 and 10485759", instance));
        }
        if (idempotent) {
            add(operation, 400, "The Idempotency-Key is malformed", "invalid-idempotency-key", problem(400,
                    "invalid-idempotency-key", "Bad request", "the Idempotency-Key header must be 1 to 255 visible"
                            + " ASCII characters, for example a UUID", instance));
            add(operation, 409, "A request with this Idempotency-Key is still running", "idempotency-key-in-progress",
                    problem(409, "idempotency-key-in-progress", "Conflict", "a request with Idempotency-Key '" + KEY
                            + "' is still in progress; retry it after that request has finished", instance));
            add(operation, 422, "The Idempotency-Key was used for another request", "idempotency-key-reused",
                    problem(422, "idempotency-key-reused", "Idempotency key reused", "Idempotency-Key '" + KEY
                            + "' was already used for a different request (" + method.name() + " " + instance
                            + " with another body); use a new key for a new request", instance));
        }
    }

    private static boolean hasHeader(List<Parameter> parameters, String name) {
        return parameters.stream().anyMatch(p -> "header".equals(p.getIn()) && name.equalsIgnoreCase(p.getName()));
    }

    private static Map<String, Object> withErrors(Map<String, Object> problem, String field, String message) {
        problem.put("errors", Map.of(field, message));
        return problem;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static ObjectSchema problemSchema() {
        ObjectSchema schema = new ObjectSchema();
        schema.description("An RFC 9457 problem: a stable type (https://diskfleet.dev/problems/<slug>), the status,"
                + " a detail that says what to do, the request path; validation problems add errors by field");
        schema.addProperty("type", new StringSchema().format("uri"));
        schema.addProperty("title", new StringSchema());
        schema.addProperty("status", new IntegerSchema());
        schema.addProperty("detail", new StringSchema());
        schema.addProperty("instance", new StringSchema());
        schema.addProperty("errors", new MapSchema().additionalProperties(new StringSchema()));
        schema.required(List.of("type", "title", "status"));
        return schema;
    }
}

package dev.diskfleet.api.web;

import dev.diskfleet.domain.DomainException;
import dev.diskfleet.domain.RangeNotSatisfiableException;
import dev.diskfleet.storage.StorageException;
import jakarta.validation.ConstraintViolationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Maps every exception family to RFC 9457 problem details, once, for the whole API. Spring's own
 * exceptions (unreadable body, wrong method, missing parameter, ...) get problem bodies from the base
 * class, each with a stable type and a detail that says what to send instead; validation errors list
 * every bad field.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler({DomainException.class, ApiException.class, StorageException.class, ConcurrencyFailureException.class,
        DataIntegrityViolationException.class})
    ResponseEntity<Object> mapped(RuntimeException e) {
        ProblemDetail problem = ProblemMapper.toProblem(e);
        if (problem.getStatus() >= 500) {
            log.error("request failed", e);
        }
        // A 416 says how big the content is, as RFC 9110 asks, so the client can ask again within it.
        if (e instanceof RangeNotSatisfiableException range) {
            return ResponseEntity.status(problem.getStatus()).header(HttpHeaders.CONTENT_RANGE, "bytes */" + range.size())
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        return problem(problem);
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> constraintViolation(ConstraintViolationException e) {
        Map<String, String> errors = new LinkedHashMap<>();
        e.getConstraintViolations().forEach(v -> {
            String path = v.getPropertyPath().toString();
            errors.putIfAbsent(path.substring(path.lastIndexOf('.') + 1), v.getMessage());
        });
        return validationProblem(errors);
    }

    /** Anything unexpected: a 500 problem without internals; the stack trace goes to the log only. */
    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        log.error("unexpected failure", e);
        return problem(ProblemMapper.toProblem(e));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (e.getMostSpecificCause() instanceof UnrecognizedPropertyException unknown) {
            return problem(unknownField(unknown));
        }
        return problem(Problems.of(HttpStatus.BAD_REQUEST, "unreadable-body", "Unreadable request body",
                "the request body could not be read as the expected JSON: " + unreadable(e.getMostSpecificCause())));
    }

    /**
     * A field the request does not have: refused rather than dropped, since a misspelt field (autoreset for
     * autoReset) silently dropped would leave the default the client meant to change.
     */
    private static ProblemDetail unknownField(UnrecognizedPropertyException unknown) {
        String field = fieldPath(unknown.getPath());
        String known = unknown.getKnownPropertyIds() == null ? "" : unknown.getKnownPropertyIds().stream()
                .map(String::valueOf).sorted().collect(java.util.stream.Collectors.joining(", "));
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "unknown-field", "Unknown field",
                "the request body has a field this request does not take: '" + field + "'"
                        + (known.isEmpty() ? "" : "; the fields here are: " + known));
        problem.setProperty("errors", Map.of(field, "is not a field of this request"));
        return problem;
    }

    /**
     * What was wrong with a body, in the API's words: Jackson's own messages name Java types and
     * constructors, which say nothing to a client and expose the implementation.
     */
    private static String unreadable(Throwable cause) {
        if (cause instanceof MismatchedInputException mismatch) {
            String field = fieldPath(mismatch.getPath());
            String expected = mismatch.getTargetType() == null ? "a value of another type"
                    : expected(mismatch.getTargetType());
            return field.isEmpty() ? "the body must be a JSON object" : "field '" + field + "' must be " + expected;
        }
        if (cause instanceof JacksonException json && json.getLocation() != null
                && json.getLocation().getLineNr() > 0) {
            return "it is not well-formed JSON (line " + json.getLocation().getLineNr() + ", column "
                    + json.getLocation().getColumnNr() + ")";
        }
        return "it is missing or not JSON of the expected shape";
    }

    private static String fieldPath(List<JacksonException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (JacksonException.Reference reference : path) {
            if (reference.getPropertyName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                field.append('[').append(reference.getIndex()).append(']');
            }
        }
        return field.toString();
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String name = e.getPropertyName();
        String where = "parameter";
        if (e instanceof MethodArgumentTypeMismatchException mismatch) {
            name = mismatch.getName();
            where = isPathVariable(mismatch.getParameter()) ? "path parameter" : "query parameter";
        }
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter",
                where + " '" + name + "' must be " + expected(e.getRequiredType()) + ", got '" + e.getValue() + "'");
        problem.setProperty("errors", Map.of(String.valueOf(name), "must be " + expected(e.getRequiredType())));
        return problem(problem);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "missing-parameter", "Missing parameter",
                "query parameter '" + e.getParameterName() + "' is required");
        problem.setProperty("errors", Map.of(e.getParameterName(), "is required"));
        return problem(problem);
    }

    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = Problems.of(status, "method-not-allowed", "Method not allowed",
                e.getMethod() + " is not supported on " + path(request) + "; use one of "
                        + String.join(", ", new java.util.TreeSet<>(e.getSupportedHttpMethods() == null ? Set.of()
                                : e.getSupportedHttpMethods().stream().map(HttpMethod::name).toList())));
        return ResponseEntity.status(status).headers(headers).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = Problems.of(status, "unsupported-media-type", "Unsupported media type",
                "Content-Type '" + e.getContentType() + "' is not accepted on " + path(request) + "; send "
                        + MediaType.toString(e.getSupportedMediaTypes()));
        return ResponseEntity.status(status).headers(headers).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(HttpMediaTypeNotAcceptableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return problem(Problems.of(status, "not-acceptable", "Not acceptable", path(request) + " answers with "
                + MediaType.toString(e.getSupportedMediaTypes()) + "; include one of them in Accept"));
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return problem(Problems.of(status, "no-such-endpoint", "No such endpoint", "there is no "
                + e.getHttpMethod() + " /" + e.getResourcePath() + "; the API is described at /v3/api-docs"));
    }

    /** Gives the rest of Spring's own problems a stable type too. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        if (body == null && e instanceof ErrorResponse error) {
            body = error.getBody();
        }
        if (body instanceof ProblemDetail problem && (problem.getType() == null
                || "about:blank".equals(problem.getType().toString()))) {
            problem.setType(java.net.URI.create(Problems.TYPE_BASE + slug(status)));
        }
        return super.handleExceptionInternal(e, body, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (FieldError error : e.getBindingResult().getFieldErrors()) {
            errors.putIfAbsent(error.getField(), error.getDefaultMessage());
        }
        e.getBindingResult().getGlobalErrors().forEach(error -> errors.putIfAbsent(error.getObjectName(),
                error.getDefaultMessage()));
        return validationProblem(errors);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Map<String, String> errors = new LinkedHashMap<>();
        e.getParameterValidationResults().forEach(result -> result.getResolvableErrors().forEach(error ->
                errors.putIfAbsent(result.getMethodParameter().getParameterName(), error.getDefaultMessage())));
        return validationProblem(errors);
    }

    private ResponseEntity<Object> validationProblem(Map<String, String> errors) {
        List<String> parts = errors.entrySet().stream().map(en -> en.getKey() + " " + en.getValue()).toList();
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "validation", "Invalid request",
                "the request has invalid fields: " + String.join("; ", parts));
        problem.setProperty("errors", errors);
        return problem(problem);
    }

    private static String slug(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? "http-" + status.value() : known.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static boolean isPathVariable(MethodParameter parameter) {
        return parameter != null && parameter.hasParameterAnnotation(PathVariable.class);
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "a valid value";
        }
        if (type == UUID.class) {
            return "a UUID such as 3f2b8a0c-6d1e-4c55-9a7b-1f0e2d3c4b5a";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT)).toList();
        }
        // Our own types are JSON objects to a client; their Java names are nobody's business.
        return type.getName().startsWith("java.") ? "a valid " + type.getSimpleName() : "a JSON object";
    }

    private static String path(WebRequest request) {
        return request instanceof ServletWebRequest servlet ? servlet.getRequest().getRequestURI() : "this path";
    }

    private static ResponseEntity<Object> problem(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}

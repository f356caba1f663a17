package dev.diskfleet.api.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one way a problem document is written outside Spring MVC (security filters, Tomcat's error valve): a
 * {@link ProblemDetail} serialized with Jackson, so every value is escaped, in the shape Spring MVC gives the
 * {@code ProblemDetail}s that controllers and {@link ProblemHandler} answer with: type, title, status,
 * detail, instance, then the extra properties at the top level.
 */
public final class ProblemWriter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemWriter() {
    }

    /** The problem's JSON; extra properties follow the standard members, as RFC 9457 extension members. */
    public static byte[] json(ProblemDetail problem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", String.valueOf(problem.getType()));
        putIfPresent(body, "title", problem.getTitle());
        body.put("status", problem.getStatus());
        putIfPresent(body, "detail", problem.getDetail());
        putIfPresent(body, "instance", problem.getInstance() == null ? null : problem.getInstance().toString());
        if (problem.getProperties() != null) {
            problem.getProperties().forEach(body::putIfAbsent);
        }
        return JSON.writeValueAsBytes(body);
    }

    /** Sets the status and content type and writes the problem as the whole body. */
    public static void write(ProblemDetail problem, HttpServletResponse response) throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getOutputStream().write(json(problem));
        response.flushBuffer();
    }

    private static void putIfPresent(Map<String, Object> body, String name, Object value) {
        if (value != null) {
            body.put(name, value);
        }
    }
}

package dev.diskfleet.api.forwarding;

import dev.diskfleet.api.web.ProblemWriter;
import dev.diskfleet.api.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** The problems the forwarding filters answer with, written as {@code ProblemHandler} writes its own. */
final class ForwardingProblems {

    private ForwardingProblems() {
    }

    static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String type,
            String title, String detail) throws IOException {
        write(request, response, status, type, title, detail, Map.of());
    }

    static void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String type,
            String title, String detail, Map<String, Object> properties) throws IOException {
        ProblemDetail problem = Problems.of(status, type, title, detail);
        properties.forEach(problem::setProperty);
        try {
            problem.setInstance(URI.create(request.getRequestURI()));
        } catch (IllegalArgumentException unparsable) {
            // a path that is no URI reference: the problem goes without an instance
        }
        ProblemWriter.write(problem, response);
    }
}

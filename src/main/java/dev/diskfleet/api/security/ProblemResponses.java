package dev.diskfleet.api.security;

import dev.diskfleet.api.web.ProblemWriter;
import dev.diskfleet.api.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

/**
 * Answers a request with a problem from a filter, where no controller advice runs: a {@link ProblemDetail}
 * built as {@code ProblemHandler} builds its own, written by {@link ProblemWriter}.
 */
@Component
class ProblemResponses {

    void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String type,
            String title, String detail) throws IOException {
        ProblemDetail problem = Problems.of(status, type, title, detail);
        try {
            problem.setInstance(URI.create(request.getRequestURI()));
        } catch (IllegalArgumentException unparsable) {
            // Tomcat let a path through that is no URI reference: the problem goes without an instance
        }
        ProblemWriter.write(problem, response);
    }
}

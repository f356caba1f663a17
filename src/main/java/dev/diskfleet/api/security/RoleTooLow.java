package dev.diskfleet.api.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 403 problem of type {@code forbidden}. Decided from method and path alone, before any handler runs, so
 * it is the same whether the resource exists or not.
 */
class RoleTooLow implements AccessDeniedHandler {

    private final ProblemResponses problems;

    RoleTooLow(ProblemResponses problems) {
        this.problems = problems;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        problems.write(request, response, HttpStatus.FORBIDDEN, "forbidden", "Forbidden", "your role does not allow "
                + request.getMethod() + " on this path; the roles are viewer < operator < admin (see the README)");
    }
}

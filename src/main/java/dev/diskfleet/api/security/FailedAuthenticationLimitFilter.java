package dev.diskfleet.api.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/** Answers 429 with {@code Retry-After}, before any token is checked, for an address over its limit. */
class FailedAuthenticationLimitFilter extends OncePerRequestFilter {

    private final FailedAuthenticationLimiter limiter;
    private final ProblemResponses problems;

    FailedAuthenticationLimitFilter(FailedAuthenticationLimiter limiter, ProblemResponses problems) {
        this.limiter = limiter;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Duration blocked = request.getHeader(HttpHeaders.AUTHORIZATION) == null
                ? Duration.ZERO : limiter.blockedFor(request.getRemoteAddr());
        if (blocked.isZero()) {
            chain.doFilter(request, response);
            return;
        }
        long seconds = (blocked.toMillis() + 999) / 1000;
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, "too-many-failed-authentications",
                "Too many failed authentications", "too many requests from your address presented an invalid"
                        + " token; retry after " + seconds + " s");
    }
}

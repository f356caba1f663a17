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

/**
 * For requests without a token: answers 429 with {@code Retry-After} to an address over its limit, and
 * counts every one refused 401 ({@link AnonymousRefusalLimiter}). Requests with a token pass untouched.
 */
class AnonymousRefusalLimitFilter extends OncePerRequestFilter {

    private final AnonymousRefusalLimiter limiter;
    private final ProblemResponses problems;

    AnonymousRefusalLimitFilter(AnonymousRefusalLimiter limiter, ProblemResponses problems) {
        this.limiter = limiter;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
            chain.doFilter(request, response);
            return;
        }
        String address = request.getRemoteAddr();
        Duration blocked = limiter.blockedFor(address);
        if (blocked.isZero()) {
            chain.doFilter(request, response);
            if (response.getStatus() == HttpStatus.UNAUTHORIZED.value()) {
                limiter.recordRefusal(address);
            }
            return;
        }
        long seconds = (blocked.toMillis() + 999) / 1000;
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, "too-many-anonymous-requests",
                "Too many requests without a token", "too many requests from your address came without a token"
                        + " and were refused; send a token (Authorization: Bearer ...), or retry after " + seconds
                        + " s");
    }
}

package dev.diskfleet.api.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * 401 for a request without a usable bearer token: {@code WWW-Authenticate: Bearer} (RFC 6750, with
 * {@code error="invalid_token"} when one was sent) and a problem of type {@code unauthorized}. A rejected
 * token counts against its client address's limit of failed authentications.
 */
class BearerChallenge implements AuthenticationEntryPoint {

    private final ProblemResponses problems;
    private final FailedAuthenticationLimiter limiter;

    BearerChallenge(ProblemResponses problems, FailedAuthenticationLimiter limiter) {
        this.problems = problems;
        this.limiter = limiter;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        boolean tokenSent = request.getHeader(HttpHeaders.AUTHORIZATION) != null;
        if (tokenSent) {
            limiter.recordFailure(request.getRemoteAddr());
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"diskfleet\", error=\"invalid_token\"");
        } else {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"diskfleet\"");
        }
        problems.write(request, response, HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", tokenSent
                ? "the bearer token is unknown, expired or revoked"
                : "this request needs a token: send the header 'Authorization: Bearer <token>'");
    }
}

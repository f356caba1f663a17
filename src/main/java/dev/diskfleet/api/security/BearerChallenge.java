package dev.diskfleet.api.security;

import dev.diskfleet.domain.token.TokenSecret;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * 401 for a request without a usable bearer token: {@code WWW-Authenticate: Bearer} (RFC 6750, with
 * {@code error="invalid_token"} when one was sent) and a problem of type {@code unauthorized}. A rejected
 * token counts against its client address and the token id it claims; past either limit the answer is
 * 429 with {@code Retry-After} instead. Only requests whose token was rejected get here, so a valid token
 * is never refused by the limit.
 */
class BearerChallenge implements AuthenticationEntryPoint {

    private static final String BEARER = "Bearer ";

    private final ProblemResponses problems;
    private final FailedAuthenticationLimiter limiter;

    BearerChallenge(ProblemResponses problems, FailedAuthenticationLimiter limiter) {
        this.problems = problems;
        this.limiter = limiter;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"diskfleet\"");
            problems.write(request, response, HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
                    "this request needs a token: send the header 'Authorization: Bearer <token>'");
            return;
        }
        Optional<UUID> claimedId = TokenSecret.tokenIdOf(secretOf(authorization));
        Duration blocked = limiter.blockedFor(request.getRemoteAddr(), claimedId);
        if (!blocked.isZero()) {
            long seconds = (blocked.toMillis() + 999) / 1000;
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            problems.write(request, response, HttpStatus.TOO_MANY_REQUESTS, "too-many-failed-authentications",
                    "Too many failed authentications", "too many invalid tokens came from your address or named"
                            + " this token id; retry after " + seconds + " s");
            return;
        }
        limiter.recordFailure(request.getRemoteAddr(), claimedId);
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"diskfleet\", error=\"invalid_token\"");
        problems.write(request, response, HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
                "the bearer token is unknown, expired or revoked");
    }

    private static String secretOf(String authorization) {
        return authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).trim() : authorization;
    }
}

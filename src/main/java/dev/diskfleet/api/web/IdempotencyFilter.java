package dev.diskfleet.api.web;

import dev.diskfleet.provisioning.idempotency.IdempotencyStore;
import dev.diskfleet.provisioning.idempotency.StoredAnswer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * {@code Idempotency-Key} for every request that creates something: every {@code POST} under {@code /api/}
 * and the {@code PUT}s in {@link #CREATING_PUTS} ({@code curl -T} uploads). A retry with the same key, method,
 * path and body gets the first answer again (status, Location, ETag, body, plus
 * {@code Idempotent-Replayed: true}) and creates nothing twice; the same key with another request is a
 * 422.
 *
 * <p>Choices: a request that arrives while another with its key is still running gets 409 at once
 * rather than waiting (a client retrying after a timeout learns the first attempt is alive and polls
 * again). Only 2xx answers are stored; an error answer created nothing, so it releases the key and a
 * retry runs again. The request body is hashed while the application reads it, never buffered, so
 * streaming uploads keep their constant memory; a retry of a completed upload is read through once more
 * to compare its hash. Answers are kept for {@code diskfleet.idempotency.retention} (24h).
 *
 * <p>Keys are scoped to the caller ({@link HttpServletRequest#getUserPrincipal()}, set by the security
 * chain, which runs before this filter): the same key sent by two callers names two requests.
 *
 * <p>Registered by {@link IdempotencyConfiguration}, not by component scanning, so controller slice tests
 * (which pick up every {@code Filter} bean) do not need the database behind it.
 */
public class IdempotencyFilter extends OncePerRequestFilter {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED = "Idempotent-Replayed";
    private static final int MAX_KEY_LENGTH = 255;
    private static final String ANONYMOUS = "anonymous";
    /** PUTs that create a resource (not the ones that write into one, such as guest disk data). */
    static final java.util.Set<String> CREATING_PUTS = java.util.Set.of("/api/images/uploads");
    private static final int MAX_TARGET_LENGTH = 2048;

    private final IdempotencyStore store;
    private final HandlerExceptionResolver problems;

    IdempotencyFilter(IdempotencyStore store, HandlerExceptionResolver problems) {
        this.store = store;
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getHeader(HEADER) == null || !honours(request.getMethod(), request.getRequestURI());
    }

    /** Whether a request with this method and path (or path template) takes an {@code Idempotency-Key}. */
    public static boolean honours(String method, String path) {
        return path.startsWith("/api/") && ("POST".equalsIgnoreCase(method)
                || "PUT".equalsIgnoreCase(method) && CREATING_PUTS.contains(path));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        try {
            String key = validKey(req.getHeader(HEADER));
            String principal = req.getUserPrincipal() == null ? ANONYMOUS : req.getUserPrincipal().getName();
            String target = requestTarget(req);
            DigestingRequest request = new DigestingRequest(req);
            Optional<StoredAnswer> existing = store.claim(principal, key, req.getMethod(), target);
            if (existing.isPresent()) {
                replay(existing.get(), request, target, res);
            } else {
                runFirst(principal, key, request, res, chain);
            }
        } catch (ApiException e) {
            problems.resolveException(req, res, null, e);
        }
    }

    private void runFirst(String principal, String key, DigestingRequest request, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        ContentCachingResponseWrapper response = new ContentCachingResponseWrapper(res);
        boolean stored = false;
        try {
            chain.doFilter(request, response);
            if (HttpStatus.valueOf(response.getStatus()).is2xxSuccessful()) {
                store.complete(principal, key, request.drainAndDigest(), response.getStatus(),
                        response.getHeader(HttpHeaders.LOCATION), response.getHeader(HttpHeaders.ETAG),
                        response.getContentType(), new String(response.getContentAsByteArray(), StandardCharsets.UTF_8));
                stored = true;
            }
        } finally {
            if (!stored) {
                store.release(principal, key);
            }
            response.copyBodyToResponse();
        }
    }

    private void replay(StoredAnswer answer, DigestingRequest request, String target, HttpServletResponse res)
            throws IOException {
        if (!answer.completed()) {
            throw ApiException.conflict("idempotency-key-in-progress", "a request with Idempotency-Key '"
                    + answer.key() + "' is still in progress; retry it after that request has finished");
        }
        // method and path first: a mismatch there is refused without reading a possibly large body
        if (!answer.method().equals(request.getMethod()) || !answer.requestTarget().equals(target)
                || !answer.bodySha256().equals(request.drainAndDigest())) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused", "Idempotency key reused",
                    "Idempotency-Key '" + answer.key() + "' was already used for a different request ("
                            + answer.method() + " " + answer.requestTarget()
                            + " with another body); use a new key for a new request");
        }
        res.setStatus(answer.status());
        setIfPresent(res, HttpHeaders.LOCATION, answer.location());
        setIfPresent(res, HttpHeaders.ETAG, answer.etag());
        setIfPresent(res, HttpHeaders.CONTENT_TYPE, answer.contentType());
        res.setHeader(REPLAYED, "true");
        if (answer.body() != null) {
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            res.setContentLength(body.length);
            res.getOutputStream().write(body);
        }
    }

    private static void setIfPresent(HttpServletResponse res, String name, String value) {
        if (value != null) {
            res.setHeader(name, value);
        }
    }

    /**
     * Path and query as the record keeps them; a target longer than the column (2048) is kept as its
     * SHA-256, which compares just as well and fits.
     */
    private static String requestTarget(HttpServletRequest req) {
        String target = req.getRequestURI() + (req.getQueryString() == null ? "" : "?" + req.getQueryString());
        if (target.length() <= MAX_TARGET_LENGTH) {
            return target;
        }
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(target.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + java.util.HexFormat.of().formatHex(hash);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String validKey(String key) {
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw ApiException.badRequest("invalid-idempotency-key", "the Idempotency-Key header must be 1 to "
                    + MAX_KEY_LENGTH + " visible ASCII characters, for example a UUID");
        }
        return key;
    }
}

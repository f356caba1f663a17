package dev.diskfleet.api.web;

import org.springframework.http.HttpStatus;

/**
 * The service layer's one exception family. Each carries the HTTP status and a stable problem type
 * slug; {@link ProblemHandler} turns it into an RFC 9457 {@code application/problem+json} body once.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String title;

    public ApiException(HttpStatus status, String type, String title, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    /** A slug such as {@code image-in-use}; the problem's {@code type} URI ends with it. */
    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public static ApiException notFound(String what, Object id) {
        return new ApiException(HttpStatus.NOT_FOUND, "not-found", "Not found", what + " " + id + " does not exist");
    }

    public static ApiException conflict(String type, String detail) {
        return new ApiException(HttpStatus.CONFLICT, type, "Conflict", detail);
    }

    public static ApiException badRequest(String type, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, type, "Bad request", detail);
    }

    public static ApiException preconditionFailed(String detail) {
        return new ApiException(HttpStatus.PRECONDITION_FAILED, "stale-etag", "Precondition failed", detail);
    }
}

package dev.diskfleet.api.web;

import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * Problems for errors that carry only a status: those the servlet container answers itself (a request
 * line, header or body it cannot parse) and those that reach {@code /error}. The detail names what the
 * client can change, never a Java type or a host path.
 */
final class StatusProblems {

    private StatusProblems() {
    }

    static ProblemDetail of(int code) {
        HttpStatus status = HttpStatus.resolve(code);
        String slug = status == null ? "http-" + code : status.name().toLowerCase(Locale.ROOT).replace('_', '-');
        String title = status == null ? "HTTP " + code : status.getReasonPhrase();
        return Problems.of(status == null ? HttpStatus.valueOf(500) : status, slug, title, detail(code));
    }

    private static String detail(int code) {
        return switch (code) {
            case 400 -> "the request could not be parsed as HTTP/1.1 (its request line, a header such as Host, or its"
                    + " body framing is malformed); fix the request and send it again";
            case 404 -> "there is no such endpoint; the API is described at /v3/api-docs";
            case 405 -> "this method is not supported on this path; the API is described at /v3/api-docs";
            case 413 -> "the request is larger than the service accepts";
            case 414 -> "the request URI is too long; send long values in the request body";
            case 417 -> "the Expect header asks for something the service does not support; only 100-continue is"
                    + " understood";
            case 431 -> "the request headers are too large; send fewer or shorter headers";
            case 501 -> "the request uses a feature the service does not implement (such as a Transfer-Encoding"
                    + " other than chunked)";
            case 505 -> "the HTTP version is not supported; use HTTP/1.1";
            default -> code >= 500 ? "the service failed unexpectedly; the failure is logged"
                    : "the request was refused";
        };
    }
}

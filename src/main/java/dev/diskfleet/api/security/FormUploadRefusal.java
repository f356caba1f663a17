package dev.diskfleet.api.security;

import dev.diskfleet.api.web.RawBodyFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * 415 for an upload labelled as an HTML form (url-encoded or multipart). A web page can make a browser
 * send such a body to any address without asking (no CORS preflight); an image upload never is one.
 * {@link RawBodyFilter} marks these requests (and keeps every later filter from reading the body as a
 * form); the refusal comes here, after authorization, so an unauthenticated caller still gets 401 and the
 * refusal is audited like any other answer.
 */
class FormUploadRefusal extends OncePerRequestFilter {

    private final ProblemResponses problems;

    FormUploadRefusal(ProblemResponses problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Object declared = request.getAttribute(RawBodyFilter.FORM_CONTENT_TYPE);
        if (declared == null) {
            chain.doFilter(request, response);
            return;
        }
        problems.write(request, response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                "Unsupported media type", "Content-Type '" + declared + "' is not accepted for an upload; send the"
                        + " image file itself as application/octet-stream (curl -T disk.vdi, or --data-binary @disk.vdi"
                        + " -H 'Content-Type: application/octet-stream')");
    }
}

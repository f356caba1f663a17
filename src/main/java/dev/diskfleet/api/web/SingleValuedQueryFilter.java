package dev.diskfleet.api.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.util.UriUtils;

/**
 * Every query parameter of the API takes one value, so {@code ?name=a&name=b} is refused with 400 instead
 * of being bound as {@code "a,b"}. Reads the query string itself: asking the container for parameters
 * would make it read a form-labelled body (an upload) as a form.
 */
public class SingleValuedQueryFilter extends OncePerRequestFilter {

    private final HandlerExceptionResolver problems;

    SingleValuedQueryFilter(HandlerExceptionResolver problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String repeated = firstRepeated(request.getQueryString());
        if (repeated != null) {
            problems.resolveException(request, response, null, ApiException.badRequest("repeated-parameter",
                    "query parameter '" + repeated + "' is given more than once; give it once"));
            return;
        }
        chain.doFilter(request, response);
    }

    static String firstRepeated(String query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        Set<String> seen = new HashSet<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            if (!seen.add(name)) {
                return name;
            }
        }
        return null;
    }

    private static String decode(String text) {
        try {
            return UriUtils.decode(text.replace('+', ' '), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}

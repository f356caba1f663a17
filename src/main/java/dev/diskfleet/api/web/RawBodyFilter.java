package dev.diskfleet.api.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.util.MultiValueMap;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * For endpoints whose body is a raw file (disk image uploads). {@code curl --data-binary @disk.vdi}
 * labels the body {@code application/x-www-form-urlencoded} and {@code curl -T disk.vdi} labels it not at
 * all; both are served as {@code application/octet-stream}. Parameters come from the query string only:
 * asking the servlet container for a parameter of a form-labelled POST would make it read (and buffer)
 * the body as a form.
 */
public class RawBodyFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(new RawBodyRequest(request), response);
    }

    private static final class RawBodyRequest extends HttpServletRequestWrapper {

        private final Map<String, String[]> parameters;
        private final String contentType;

        RawBodyRequest(HttpServletRequest request) {
            super(request);
            this.parameters = queryParameters(request.getQueryString());
            String declared = request.getContentType();
            this.contentType = declared == null || declared.isBlank() || isForm(declared)
                    ? MediaType.APPLICATION_OCTET_STREAM_VALUE : declared;
        }

        private static boolean isForm(String contentType) {
            try {
                return MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(MediaType.parseMediaType(contentType));
            } catch (InvalidMediaTypeException e) {
                return false;
            }
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public String getHeader(String name) {
            return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name) ? contentType : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)
                    ? Collections.enumeration(List.of(contentType)) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            if (names.stream().noneMatch(HttpHeaders.CONTENT_TYPE::equalsIgnoreCase)) {
                names.add(HttpHeaders.CONTENT_TYPE);
            }
            return Collections.enumeration(names);
        }

        @Override
        public String getParameter(String name) {
            String[] values = parameters.get(name);
            return values == null ? null : values[0];
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return parameters;
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(parameters.keySet());
        }

        @Override
        public String[] getParameterValues(String name) {
            return parameters.get(name);
        }

        private static Map<String, String[]> queryParameters(String query) {
            if (query == null || query.isEmpty()) {
                return Map.of();
            }
            MultiValueMap<String, String> raw = UriComponentsBuilder.newInstance()
                    .query(query.replace("+", "%20")).build().getQueryParams();
            Map<String, String[]> decoded = new LinkedHashMap<>();
            raw.forEach((key, values) -> decoded.put(decode(key),
                    values.stream().map(v -> v == null ? "" : decode(v)).toArray(String[]::new)));
            return Collections.unmodifiableMap(decoded);
        }

        /** Malformed escapes stay as sent: validation then names the parameter instead of failing here. */
        private static String decode(String text) {
            try {
                return UriUtils.decode(text, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return text;
            }
        }
    }
}

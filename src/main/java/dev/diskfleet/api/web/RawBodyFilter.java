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
 * For endpoints whose body is a raw file (disk image uploads). {@code curl -T disk.vdi} labels the body
 * not at all; it is served as {@code application/octet-stream}. A body labelled as an HTML form
 * ({@code application/x-www-form-urlencoded}, as {@code curl --data-binary} sends without {@code -H}, or
 * {@code multipart/form-data}) is what a hostile web page can make a browser send without a CORS
 * preflight: such a request is marked with the attribute {@link #FORM_CONTENT_TYPE} and refused with 415
 * after authorization (by the security chain); until then it too is served as octet-stream, so no filter
 * reads (and buffers) the body as a form. Parameters come from the query string only: asking the servlet
 * container for a parameter of a form-labelled POST would make it read the body as a form.
 */
public class RawBodyFilter extends OncePerRequestFilter {

    /** Request attribute: the form content type an upload was sent with; such a request is to be refused. */
    public static final String FORM_CONTENT_TYPE = RawBodyFilter.class.getName() + ".formContentType";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String declared = request.getContentType();
        if (declared != null && RawBodyRequest.isForm(declared)) {
            request.setAttribute(FORM_CONTENT_TYPE, declared);
        }
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

        static boolean isForm(String contentType) {
            try {
                MediaType type = MediaType.parseMediaType(contentType);
                return MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(type)
                        || MediaType.MULTIPART_FORM_DATA.isCompatibleWith(type);
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

package dev.diskfleet.api.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * The path a handler is chosen by: within the application, each segment percent-decoded and without
 * {@code ;} parameters. Spring MVC maps {@code /api/%65xports} to the handler of {@code /api/exports}, so a
 * role rule that read the raw URI would see a different path than the handler it guards; every rule reads
 * this one (path patterns match the same decoded segments).
 */
final class NormalizedPath {

    private NormalizedPath() {
    }

    static String of(HttpServletRequest request) {
        RequestPath parsed = ServletRequestPathUtils.hasParsedRequestPath(request)
                ? ServletRequestPathUtils.getParsedRequestPath(request)
                : RequestPath.parse(request.getRequestURI(), request.getContextPath());
        StringBuilder path = new StringBuilder();
        for (PathContainer.Element element : parsed.pathWithinApplication().elements()) {
            path.append(element instanceof PathContainer.PathSegment segment ? segment.valueToMatch() : element.value());
        }
        return path.toString();
    }
}

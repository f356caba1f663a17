package dev.diskfleet.api.forwarding;

import dev.diskfleet.provisioning.replication.Owners;
import dev.diskfleet.provisioning.replication.Owners.Owner;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The actions that need the file or guest they name, each with whose it is: the one table of what is
 * forwarded. Everything else (reads of rows, creating images and machines) is answered by the node that receives it.
 */
final class OwnerRoutes {

    private static final Set<String> READ = Set.of("GET", "HEAD");
    private static final Set<String> POST = Set.of("POST");
    private static final Set<String> DELETE = Set.of("DELETE");

    /** Whose file or guest a route's id names. */
    private enum Kind {
        IMAGE_FILE(Owners::ofImageFile), MACHINE(Owners::ofMachine), EXPORT(Owners::ofExport);

        private final BiFunction<Owners, UUID, Optional<Owner>> lookup;

        Kind(BiFunction<Owners, UUID, Optional<Owner>> lookup) {
            this.lookup = lookup;
        }
    }

    /**
     * A method set and path template; {@code query} names the parameter that carries the id, {@code field}
     * the member of the JSON body that does, if not the path.
     */
    private record Route(Set<String> methods, PathPattern path, String query, String field, Kind kind) {

        boolean matches(String method, PathContainer candidate) {
            return methods.contains(method) && path.matches(candidate);
        }
    }

    private static final Route START = route(POST, "/api/machines/{id}/start", Kind.MACHINE);

    private static final List<Route> ROUTES = List.of(
            route(READ, "/api/images/{id}/content", Kind.IMAGE_FILE),
            route(POST, "/api/images/{id}/check", Kind.IMAGE_FILE),
            route(POST, "/api/images/{id}/clone", Kind.IMAGE_FILE),
            route(POST, "/api/images/{id}/exports", Kind.IMAGE_FILE),
            // Deleted where a file is: a node that holds none would leave the holder's file behind.
            route(DELETE, "/api/images/{id}", Kind.IMAGE_FILE),
            // A fleet is deployed where its golden is: its base is cloned from the golden's file there.
            new Route(POST, PathPatternParser.defaultInstance.parse("/api/fleets"), null, "goldenImageId",
                    Kind.IMAGE_FILE),
            START,
            route(POST, "/api/machines/{id}/stop", Kind.MACHINE),
            route(POST, "/api/machines/{id}/reset", Kind.MACHINE),
            route(READ, "/api/machines/{id}/console", Kind.MACHINE),
            route(POST, "/api/machines/{id}/attachments", Kind.MACHINE),
            route(DELETE, "/api/machines/{id}/attachments/{attachmentId}", Kind.MACHINE),
            route(Set.of("GET", "HEAD", "PUT"), "/api/machines/{id}/attachments/{attachmentId}/data", Kind.MACHINE),
            route(POST, "/api/machines/{id}/attachments/{attachmentId}/exports", Kind.MACHINE),
            route(POST, "/api/machines/{id}/snapshots", Kind.MACHINE),
            route(POST, "/api/machines/{id}/snapshots/{snapshotId}/restore", Kind.MACHINE),
            route(DELETE, "/api/machines/{id}/snapshots/{snapshotId}", Kind.MACHINE),
            route(DELETE, "/api/machines/{id}", Kind.MACHINE),
            // An export is read and closed where it is served.
            route(Set.of("GET", "HEAD", "DELETE"), "/api/exports/{id}", Kind.EXPORT),
            // The event stream follows a guest's console where its log is written.
            new Route(READ, PathPatternParser.defaultInstance.parse("/api/events"), "console", null, Kind.MACHINE));

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Owners owners;

    OwnerRoutes(Owners owners) {
        this.owners = owners;
    }

    /**
     * The other node that holds what the request acts on; empty when this node answers it: not a forwarded
     * action, an id that is none (the handler refuses it), or a file or guest here or nowhere.
     */
    Optional<Owner> ownerOf(HttpServletRequest request) {
        Optional<Route> route = routeOf(request);
        String namedNode = request.getParameter("node");
        if (namedNode != null && route.filter(START::equals).isPresent()) {
            // A machine started on a named node (its own was lost) is started by that node, not by its own.
            return owners.ofNode(namedNode);
        }
        return route.flatMap(matched -> uuid(idIn(matched, request))
                .flatMap(uuid -> matched.kind().lookup.apply(owners, uuid)));
    }

    /** Whether the request names its owner in its body, which must then be read ahead ({@link BufferedRequest}). */
    boolean namesOwnerInBody(HttpServletRequest request) {
        return routeOf(request).filter(route -> route.field() != null).isPresent();
    }

    private static Optional<Route> routeOf(HttpServletRequest request) {
        PathContainer path = RequestPath.parse(request.getRequestURI(), request.getContextPath())
                .pathWithinApplication();
        return ROUTES.stream().filter(route -> route.matches(request.getMethod(), path)).findFirst();
    }

    private static String idIn(Route route, HttpServletRequest request) {
        if (route.query() != null) {
            return request.getParameter(route.query());
        }
        if (route.field() != null) {
            return request instanceof BufferedRequest buffered
                    ? buffered.body().map(body -> fieldOf(body, route.field())).orElse(null) : null;
        }
        PathContainer path = RequestPath.parse(request.getRequestURI(), request.getContextPath())
                .pathWithinApplication();
        return route.path().matchAndExtract(path).getUriVariables().get("id");
    }

    /** The text of a top-level member; null for a body that is no JSON object (its handler refuses it). */
    private static String fieldOf(byte[] body, String field) {
        try {
            JsonNode value = JSON.readTree(body).path(field);
            return value.isString() ? value.asString() : null;
        } catch (JacksonException notJson) {
            return null;
        }
    }

    /** Whether the API document's operation is one that is forwarded (its path template as the document has it). */
    static boolean forwards(String method, String pathTemplate) {
        PathContainer path = PathContainer.parsePath(pathTemplate);
        return ROUTES.stream().anyMatch(route -> route.matches(method, path));
    }

    private static Route route(Set<String> methods, String template, Kind kind) {
        return new Route(methods, PathPatternParser.defaultInstance.parse(template), null, null, kind);
    }

    private static Optional<UUID> uuid(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException notAnId) {
            return Optional.empty();
        }
    }
}

package dev.diskfleet.api.machine;

import dev.diskfleet.api.web.DocumentedProblems;
import dev.diskfleet.provisioning.node.NodePlacement;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.UUID;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The one place where a request for a machine on another node of the cluster is answered: requests that touch
 * its disks or its guest (power, console, disk I/O, attaching, snapshots, exports, deleting it) are refused
 * with 409 {@code machine-on-another-node} naming that node and its URL, before any controller runs. Reading
 * its rows works on every node. Forwarding such requests to the machine's node replaces this refusal.
 */
@Component
class OtherNodeRefusal implements HandlerInterceptor, WebMvcConfigurer, OpenApiCustomizer {

    private record Route(PathItem.HttpMethod method, String path, PathPattern pattern) {

        Route(PathItem.HttpMethod method, String path) {
            this(method, path, PathPatternParser.defaultInstance.parse(path));
        }
    }

    private static final List<Route> ON_THE_MACHINES_NODE = List.of(
            new Route(PathItem.HttpMethod.DELETE, "/api/machines/{id}"),
            new Route(PathItem.HttpMethod.POST, "/api/machines/{id}/start"),
            new Route(PathItem.HttpMethod.POST, "/api/machines/{id}/stop"),
            new Route(PathItem.HttpMethod.POST, "/api/machines/{id}/reset"),
            new Route(PathItem.HttpMethod.GET, "/api/machines/{id}/console"),
            new Route(PathItem.HttpMethod.POST, "/api/machines/{machineId}/attachments"),
            new Route(PathItem.HttpMethod.DELETE, "/api/machines/{machineId}/attachments/{attachmentId}"),
            new Route(PathItem.HttpMethod.GET, "/api/machines/{machineId}/attachments/{attachmentId}/data"),
            new Route(PathItem.HttpMethod.PUT, "/api/machines/{machineId}/attachments/{attachmentId}/data"),
            new Route(PathItem.HttpMethod.POST, "/api/machines/{machineId}/attachments/{attachmentId}/exports"),
            new Route(PathItem.HttpMethod.POST, "/api/machines/{machineId}/snapshots"),
            new Route(PathItem.HttpMethod.POST, "/api/machines/{machineId}/snapshots/{snapshotId}/restore"),
            new Route(PathItem.HttpMethod.DELETE, "/api/machines/{machineId}/snapshots/{snapshotId}"));

    private final NodePlacement placement;

    OtherNodeRefusal(NodePlacement placement) {
        this.placement = placement;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/machines/*", "/api/machines/*/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        PathContainer path = PathContainer.parsePath(request.getRequestURI());
        for (Route route : ON_THE_MACHINES_NODE) {
            if (route.method().name().equals(request.getMethod()) && route.pattern().matches(path)) {
                // A start on a named node (the machine's own was lost) is the named node's to decide.
                boolean startOnNamedNode = route.path().endsWith("/start") && request.getParameter("node") != null;
                if (!startOnNamedNode) {
                    machineId(request.getRequestURI()).ifPresent(placement::requireHere);
                }
                return true;
            }
        }
        return true;
    }

    /** The id after {@code /api/machines/}; a malformed one is left to the controller's 400. */
    private static java.util.Optional<UUID> machineId(String uri) {
        String[] segments = uri.split("/");
        try {
            return java.util.Optional.of(UUID.fromString(segments[3]));
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException notAnId) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public void customise(OpenAPI api) {
        if (api.getPaths() == null) {
            return;
        }
        for (Route route : ON_THE_MACHINES_NODE) {
            PathItem item = api.getPaths().get(route.path());
            if (item == null || item.readOperationsMap().get(route.method()) == null) {
                continue;
            }
            String instance = DocumentedProblems.instance(route.path());
            DocumentedProblems.add(item.readOperationsMap().get(route.method()), 409,
                    "In a cluster, the machine is on another node (its node and URL are named)",
                    "machine-on-another-node", DocumentedProblems.problem(409, "machine-on-another-node", "Conflict",
                            "machine pg-1 (" + instance.split("/")[3] + ") is on node node-b, not on node-a: send this"
                                    + " request to node node-b at https://node-b.example:8443", instance));
        }
    }
}

package dev.diskfleet.api.forwarding;

import dev.diskfleet.api.web.DocumentedProblems;
import io.swagger.v3.oas.models.OpenAPI;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.stereotype.Component;

/** Documents the 503 of every operation {@link OwnerRoutes} forwards, from the same table. */
@Component
class NodeUnavailableDocumentation implements OpenApiCustomizer {

    private static final String DESCRIPTION = "In a cluster: the node that holds the file or guest is offline, or"
            + " does not answer";

    @Override
    public void customise(OpenAPI api) {
        if (api.getPaths() == null) {
            return;
        }
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            if (OwnerRoutes.forwards(method.name(), path)) {
                String instance = DocumentedProblems.instance(path);
                Map<String, Object> example = DocumentedProblems.problem(503, "node-unavailable", "Node unavailable",
                        instance + " is answered by node node-b, which holds its file or guest; node node-b is"
                                + " offline (stopped, or no heartbeat within diskfleet.cluster.node-timeout); start it"
                                + " and retry", instance);
                example.put("node", "node-b");
                DocumentedProblems.add(operation, 503, DESCRIPTION, "node-unavailable", example);
            }
        }));
    }
}

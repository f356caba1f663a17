package dev.diskfleet.api.node;

import dev.diskfleet.provisioning.node.NodeCatalog;
import dev.diskfleet.provisioning.node.NodeDetails;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/nodes")
@Tag(name = "Nodes", description = "The service processes that share the database")
public class NodeController {

    private final NodeCatalog nodes;

    public NodeController(NodeCatalog nodes) {
        this.nodes = nodes;
    }

    @GetMapping
    @Operation(operationId = "listNodes", summary = "Every node with its state, last heartbeat and capacity (one row"
            + " with the embedded database)")
    public List<NodeResponse> list() {
        return nodes.list().stream().map(NodeResponse::of).toList();
    }

    @PostMapping("/{name}/drain")
    @Operation(operationId = "drainNode", summary = "Give the node no new guests; what it runs keeps running (admin)")
    public NodeResponse drain(@PathVariable String name) {
        return NodeResponse.of(nodes.setDrained(name, true));
    }

    @PostMapping("/{name}/undrain")
    @Operation(operationId = "undrainNode", summary = "Let the node take guests again (admin)")
    public NodeResponse undrain(@PathVariable String name) {
        return NodeResponse.of(nodes.setDrained(name, false));
    }

    @Schema(name = "Node", description = "A service process that shares the database, as it last reported itself")
    public record NodeResponse(
            @Schema(example = "host-a") String name,
            @Schema(description = "Where other nodes and clients reach it", example = "http://host-a:8080") String url,
            @Schema(description = "Where the port forwards of its guests are reached (diskfleet.node.guest-address)",
                    example = "host-a") String guestAddress,
            @Schema(description = "online, draining (takes no new guests) or offline (stopped, or no heartbeat"
                    + " within diskfleet.cluster.node-timeout)", example = "online") String state,
            OffsetDateTime lastHeartbeat,
            OffsetDateTime startedAt,
            @Schema(example = "2") int cpus,
            @Schema(description = "The host's memory in bytes") long memoryBytes,
            @Schema(description = "What diskfleet.node.max-guest-memory-mb leaves after the running guests, in bytes")
            long freeGuestMemoryBytes,
            @Schema(description = "Free bytes on the storage root's volume") long freeDiskBytes,
            @Schema(example = "3") int runningGuests,
            @Schema(description = "The service's version", example = "0.1.0-SNAPSHOT") String version) {

        static NodeResponse of(NodeDetails node) {
            return new NodeResponse(node.name(), node.url(), node.guestAddress(), node.state().apiName(), node.lastHeartbeat(),
                    node.startedAt(), node.cpus(), node.memoryBytes(), node.freeGuestMemoryBytes(), node.freeDiskBytes(),
                    node.runningGuests(), node.version());
        }
    }
}

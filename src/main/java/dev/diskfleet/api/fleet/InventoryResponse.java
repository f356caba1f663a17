package dev.diskfleet.api.fleet;

import dev.diskfleet.provisioning.fleet.FleetInventory;
import dev.diskfleet.provisioning.network.MachineNetwork;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@Schema(description = "Where to reach each machine of a fleet")
public record InventoryResponse(
        @Schema(example = "5a6b7c8d-1e2f-4a3b-8c9d-0e1f2a3b4c5d") UUID fleetId,
        @Schema(example = "pg-test") String fleetName,
        List<Host> machines) {

    @Schema(description = "A machine and the host endpoint of each of its forwards")
    public record Host(
            @Schema(example = "pg-1") String name,
            @Schema(example = "9b1c7f4e-2a6d-4e0b-8c3f-5d7a1e2b4c6d") UUID id,
            @Schema(description = "poweredOff, running or unknown (its node was lost while it ran; lastExit says nodeLost)", example = "running") String state,
            @Schema(description = "The node that runs it", example = "node-a") String node,
            @Schema(description = "guestPort/protocol: hostAddress:hostPort, the host address being its node's guest address",
                    example = "{\"5432/tcp\": \"127.0.0.1:40001\", \"22/tcp\": \"127.0.0.1:40002\"}")
            Map<String, String> forwards) {
    }

    public static InventoryResponse of(FleetInventory inventory) {
        return new InventoryResponse(inventory.fleet().getId(), inventory.fleet().getName(), inventory.hosts().stream()
                .map(host -> new Host(host.name(), host.machineId(), host.state().apiName(), host.node(),
                        endpoints(host)))
                .toList());
    }

    private static Map<String, String> endpoints(FleetInventory.Host host) {
        Map<String, String> endpoints = new LinkedHashMap<>();
        for (MachineNetwork.Forward forward : host.forwards()) {
            endpoints.put(forward.key(), forward.hostEndpoint());
        }
        return endpoints;
    }
}

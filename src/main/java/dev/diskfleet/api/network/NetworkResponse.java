package dev.diskfleet.api.network;

import dev.diskfleet.provisioning.network.MachineNetwork;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

@Schema(description = "The guest's network and where each forward listens on the host")
public record NetworkResponse(
        @Schema(description = "user or none", example = "user") String mode,
        @Schema(description = "Whether the guest may reach out through the host", example = "false") boolean outbound,
        List<Forward> forwards) {

    @Schema(description = "Connect to hostAddress:hostPort to reach guestPort of the guest")
    public record Forward(
            @Schema(example = "5432") int guestPort,
            @Schema(example = "tcp") String protocol,
            @Schema(description = "The guest address of the machine's node (diskfleet.node.guest-address; by default"
                    + " diskfleet.network.forward-address, or the host of diskfleet.node.url when forwards listen on"
                    + " 0.0.0.0); null while the machine has no node", example = "127.0.0.1") String hostAddress,
            @Schema(example = "40001") int hostPort) {
    }

    public static NetworkResponse of(MachineNetwork network) {
        return new NetworkResponse(network.mode().apiName(), network.outbound(), network.forwards().stream()
                .map(f -> new Forward(f.guestPort(), f.protocol(), f.hostAddress(), f.hostPort())).toList());
    }
}

package dev.diskfleet.api.machine;

import dev.diskfleet.domain.machine.NetworkRules.RequestedForward;
import dev.diskfleet.provisioning.machine.MachineNetwork;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

@Schema(name = "NetworkRequest", description = "The guest's network (QEMU driver): user networking with port forwards,"
        + " or none")
public record NetworkRequest(
        @Schema(description = "user (one virtio NIC, DHCP from QEMU; the default) or none", example = "user")
        String mode,
        @Schema(description = "Ports of the host forwarded to the guest") List<ForwardRequest> forwards,
        @Schema(description = "Whether the guest may reach out through the host; default false: it reaches nothing"
                + " but what is forwarded to it", example = "false") Boolean outbound) {

    @Schema(name = "ForwardRequest", description = "A host port forwarded to a guest port")
    public record ForwardRequest(
            @Schema(example = "6379", requiredMode = Schema.RequiredMode.REQUIRED) Integer guestPort,
            @Schema(description = "Left out: the service picks one of diskfleet.network.host-ports and keeps it",
                    example = "40001") Integer hostPort,
            @Schema(description = "tcp (the default) or udp", example = "tcp") String protocol) {
    }

    public MachineNetwork toNetwork() {
        List<RequestedForward> requested = forwards == null ? List.of() : forwards.stream()
                .map(f -> new RequestedForward(f.protocol() == null ? "tcp" : f.protocol(),
                        f.guestPort() == null ? 0 : f.guestPort(), f.hostPort()))
                .toList();
        return new MachineNetwork(mode == null ? "user" : mode, Boolean.TRUE.equals(outbound), requested);
    }

    public static MachineNetwork orDefault(NetworkRequest request) {
        return request == null ? MachineNetwork.DEFAULT : request.toNetwork();
    }
}

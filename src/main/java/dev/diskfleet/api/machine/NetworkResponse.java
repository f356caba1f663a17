package dev.diskfleet.api.machine;

import dev.diskfleet.domain.machine.Machine;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

@Schema(name = "Network", description = "The guest's network and where each forward listens")
public record NetworkResponse(
        @Schema(example = "user") String mode,
        @Schema(example = "false") boolean outbound,
        List<ForwardResponse> forwards) {

    @Schema(name = "Forward", description = "A host address and port forwarded to a guest port")
    public record ForwardResponse(
            @Schema(example = "6379") int guestPort,
            @Schema(example = "tcp") String protocol,
            @Schema(example = "127.0.0.1") String hostAddress,
            @Schema(example = "40001") int hostPort) {
    }

    static NetworkResponse of(Machine machine, String hostAddress) {
        return new NetworkResponse(machine.getNetworkMode(), machine.isNetworkOutbound(), machine.getForwards().stream()
                .map(f -> new ForwardResponse(f.guestPort(), f.protocol(), hostAddress, f.hostPort())).toList());
    }
}

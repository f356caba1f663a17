package dev.diskfleet.api.network;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

@Schema(description = "A host port forwarded to a port of the guest")
public record ForwardRequest(
        @NotNull @Min(1) @Max(65535) @Schema(description = "The port the guest listens on", example = "5432") Integer guestPort,
        @Min(1) @Max(65535) @Schema(description = "The host port; absent: the service picks a free one from"
                + " diskfleet.network.host-ports and the machine keeps it", example = "2222") Integer hostPort,
        @Pattern(regexp = "tcp|udp", message = "must be tcp or udp")
        @Schema(description = "tcp (default) or udp", example = "tcp") String protocol) {
}

package dev.diskfleet.api.network;

import dev.diskfleet.domain.network.ForwardProtocol;
import dev.diskfleet.domain.network.NetworkMode;
import dev.diskfleet.domain.network.NetworkPlan;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

@Schema(description = "The guest's network: user-mode networking (one NIC, DHCP and NAT by QEMU) or none, and"
        + " port forwards from the host")
public record NetworkRequest(
        @Pattern(regexp = "user|none", message = "must be user or none")
        @Schema(description = "user (default) or none", example = "user") String mode,
        @Valid @Size(max = 64) List<@NotNull @Valid ForwardRequest> forwards,
        @Schema(description = "Whether the guest may reach out through the host; default false: it reaches nothing"
                + " and only forwards reach it", example = "false") Boolean outbound) {

    /** The plan the domain checks; {@code field} is how messages name this object ({@code network}). */
    public NetworkPlan toPlan(String field) {
        List<ForwardRequest> asked = forwards == null ? List.of() : forwards;
        List<NetworkPlan.Forward> planned = new java.util.ArrayList<>();
        for (int i = 0; i < asked.size(); i++) {
            ForwardRequest forward = asked.get(i);
            planned.add(new NetworkPlan.Forward(ForwardProtocol.fromApiName(forward.protocol(),
                    field + ".forwards[" + i + "].protocol"), forward.guestPort(), forward.hostPort()));
        }
        return NetworkPlan.of(NetworkMode.fromApiName(mode, field + ".mode"), Boolean.TRUE.equals(outbound), planned,
                field);
    }

    /** The plan, or the default network when the request has none. */
    public static NetworkPlan planOrDefault(NetworkRequest request, String field) {
        return request == null ? NetworkPlan.DEFAULT : request.toPlan(field);
    }
}

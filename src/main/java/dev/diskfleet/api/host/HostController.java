package dev.diskfleet.api.host;

import dev.diskfleet.provisioning.guest.Guests;
import dev.diskfleet.provisioning.guest.HostDetails;
import dev.diskfleet.provisioning.network.HostPorts;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/host")
@Tag(name = "Host", description = "What this host offers guests")
public class HostController {

    private final Guests guests;
    private final HostPorts hostPorts;

    public HostController(Guests guests, HostPorts hostPorts) {
        this.guests = guests;
        this.hostPorts = hostPorts;
    }

    @GetMapping
    @Operation(operationId = "getHost", summary = "The hypervisor driver, QEMU's version and accelerator, CPUs, memory,"
            + " running guests and where port forwards listen")
    public HostResponse host() {
        HostDetails host = guests.host();
        return new HostResponse(host.hypervisor().driver(), host.hypervisor().hypervisorVersion().orElse(null),
                host.hypervisor().accelerator().name().toLowerCase(Locale.ROOT), host.cpus(), host.memoryBytes(),
                host.runningGuests().stream().map(g -> new RunningGuestResponse(g.machineId(), g.name())).toList(),
                new HostNetworkResponse(hostPorts.settings().forwardAddress(), hostPorts.settings().hostPorts().toString(),
                        hostPorts.allocated()));
    }

    @Schema(name = "Host", description = "What this host offers guests")
    public record HostResponse(
            @Schema(description = "The hypervisor driver: qemu or none (records only, boots nothing)",
                    example = "qemu") String driver,
            @Schema(description = "QEMU's version; null for none", example = "7.2.22") String qemuVersion,
            @Schema(description = "kvm, tcg (QEMU's translator, no hardware help) or none", example = "tcg")
            String accelerator,
            @Schema(example = "2") int cpus,
            @Schema(description = "The host's memory in bytes", example = "8589934592") long memoryBytes,
            List<RunningGuestResponse> runningGuests,
            HostNetworkResponse network) {
    }

    @Schema(name = "HostNetwork", description = "Where guests' port forwards listen")
    public record HostNetworkResponse(
            @Schema(description = "diskfleet.network.forward-address", example = "127.0.0.1") String forwardAddress,
            @Schema(description = "diskfleet.network.host-ports: where forwards without a hostPort get theirs",
                    example = "40000-44999") String hostPorts,
            @Schema(description = "Host ports given to machines, named or picked", example = "12") long forwards) {
    }

    @Schema(name = "RunningGuest", description = "A machine whose guest runs now")
    public record RunningGuestResponse(UUID machineId, @Schema(example = "pg-1") String name) {
    }
}

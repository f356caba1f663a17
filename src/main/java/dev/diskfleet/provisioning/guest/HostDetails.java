package dev.diskfleet.provisioning.guest;

import dev.diskfleet.hypervisor.HostInfo;
import java.util.List;
import java.util.UUID;

/** The host as {@code GET /api/host} reports it: the hypervisor, the hardware, the guests running now. */
public record HostDetails(HostInfo hypervisor, int cpus, long memoryBytes, List<RunningGuest> runningGuests) {

    public record RunningGuest(UUID machineId, String name) {
    }
}

package dev.diskfleet.provisioning.machine;

import dev.diskfleet.domain.network.NetworkPlan;

/** Fields of a machine to change; null fields stay as they are. A network replaces the machine's whole network. */
public record MachinePatch(String name, String description, Integer cpus, Integer memoryMb, NetworkPlan network) {
}

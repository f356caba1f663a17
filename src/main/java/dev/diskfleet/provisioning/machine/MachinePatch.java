package dev.diskfleet.provisioning.machine;

import dev.diskfleet.domain.network.NetworkPlan;
import java.util.Map;

/**
 * Fields of a machine to change; null fields stay as they are. A network replaces the machine's whole
 * network.
 */
public record MachinePatch(String name, String description, Integer cpus, Integer memoryMb, CloudInitPatch cloudInit,
        NetworkPlan network) {

    public MachinePatch(String name, String description, Integer cpus, Integer memoryMb) {
        this(name, description, cpus, memoryMb, (CloudInitPatch) null, null);
    }

    public MachinePatch(String name, String description, Integer cpus, Integer memoryMb, CloudInitPatch cloudInit) {
        this(name, description, cpus, memoryMb, cloudInit, null);
    }

    public MachinePatch(String name, String description, Integer cpus, Integer memoryMb, NetworkPlan network) {
        this(name, description, cpus, memoryMb, null, network);
    }

    /**
     * Cloud-init fields to change: null keeps one, an empty user-data or network-config removes it, a
     * meta-data map replaces the whole map.
     */
    public record CloudInitPatch(Boolean enabled, Map<String, String> metaData, String userData,
            String networkConfig) {
    }
}

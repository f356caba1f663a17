package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.network.NetworkPlan;
import java.util.UUID;

/**
 * A fleet to deploy: {@code size} machines named {@code <prefix>-1 …} on a clone of the golden image, each
 * with {@code cpus} and {@code memoryMb} (null: the machine defaults) and {@code network}, its forwards on
 * host ports of its own.
 */
public record FleetPlan(String name, UUID goldenImageId, int size, String machineNamePrefix, boolean autoReset,
        boolean start, Integer cpus, Integer memoryMb, NetworkPlan network) {
}

package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.machine.CloudInit;
import java.util.UUID;

/**
 * A fleet to deploy: {@code size} machines named {@code <prefix>-1 …} on a clone of the golden image, each
 * with {@code cloudInit} (its seed names each member by its own id and name).
 */
public record FleetPlan(String name, UUID goldenImageId, int size, String machineNamePrefix, boolean autoReset,
        boolean start, CloudInit cloudInit) {

    public FleetPlan(String name, UUID goldenImageId, int size, String machineNamePrefix, boolean autoReset,
            boolean start) {
        this(name, goldenImageId, size, machineNamePrefix, autoReset, start, CloudInit.DEFAULT);
    }
}

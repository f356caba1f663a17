package dev.diskfleet.provisioning.fleet;

import java.util.UUID;

/** A fleet to deploy: {@code size} machines named {@code <prefix>-1 …} on a clone of the golden image. */
public record FleetPlan(String name, UUID goldenImageId, int size, String machineNamePrefix, boolean autoReset,
        boolean start) {
}

package dev.diskfleet.provisioning.fleet;

import dev.diskfleet.domain.machine.CloudInit;
import dev.diskfleet.domain.network.NetworkPlan;
import dev.diskfleet.domain.node.Placement;
import java.util.UUID;

/**
 * A fleet to deploy: {@code size} machines named {@code <prefix>-1 …} on a clone of the golden image, each
 * with {@code cpus} and {@code memoryMb} (null: the machine defaults), {@code network} (its forwards on host
 * ports of its own), {@code cloudInit} (its seed names each member by its own id and name) and
 * {@code placement} (how a cluster spreads the members over its nodes).
 */
public record FleetPlan(String name, UUID goldenImageId, int size, String machineNamePrefix, boolean autoReset,
        boolean start, Integer cpus, Integer memoryMb, NetworkPlan network, CloudInit cloudInit, Placement placement) {

    public FleetPlan(String name, UUID goldenImageId, int size, String machineNamePrefix, boolean autoReset,
            boolean start, Integer cpus, Integer memoryMb, NetworkPlan network, CloudInit cloudInit) {
        this(name, goldenImageId, size, machineNamePrefix, autoReset, start, cpus, memoryMb, network, cloudInit,
                Placement.SPREAD);
    }

    public FleetPlan(String name, UUID goldenImageId, int size, String machineNamePrefix, boolean autoReset,
            boolean start) {
        this(name, goldenImageId, size, machineNamePrefix, autoReset, start, CloudInit.DEFAULT);
    }

    public FleetPlan(String name, UUID goldenImageId, int size, String machineNamePrefix, boolean autoReset,
            boolean start, CloudInit cloudInit) {
        this(name, goldenImageId, size, machineNamePrefix, autoReset, start, null, null, NetworkPlan.DEFAULT,
                cloudInit);
    }

    public FleetPlan(String name, UUID goldenImageId, int size, String machineNamePrefix, boolean autoReset,
            boolean start, Integer cpus, Integer memoryMb, NetworkPlan network) {
        this(name, goldenImageId, size, machineNamePrefix, autoReset, start, cpus, memoryMb, network,
                CloudInit.DEFAULT);
    }
}

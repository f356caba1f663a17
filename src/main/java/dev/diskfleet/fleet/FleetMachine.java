package dev.diskfleet.fleet;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.util.UUID;

/** Membership of a machine in a fleet, with its number: the machine is named {@code <prefix>-<ordinal>}. */
@Entity
@Table(name = "fleet_machines")
public class FleetMachine {

    @Id
    @Column(name = "machine_id")
    private UUID machineId;

    @Column(name = "fleet_id", nullable = false)
    private UUID fleetId;

    @Column(nullable = false)
    private int ordinal;

    @Version
    private long version;

    protected FleetMachine() {
    }

    public FleetMachine(UUID machineId, UUID fleetId, int ordinal) {
        this.machineId = machineId;
        this.fleetId = fleetId;
        this.ordinal = ordinal;
    }

    public UUID getMachineId() {
        return machineId;
    }

    public UUID getFleetId() {
        return fleetId;
    }

    public int getOrdinal() {
        return ordinal;
    }
}

package dev.diskfleet.domain.fleet;

import dev.diskfleet.domain.BaseEntity;
import jakarta.persistence.AttributeOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.util.UUID;

/** Membership of a machine in a fleet, with its number: the machine is named {@code <prefix>-<ordinal>}. */
@Entity
@Table(name = "fleet_machines")
@AttributeOverride(name = "id", column = @Column(name = "machine_id"))
public class FleetMachine extends BaseEntity {

    @Column(name = "fleet_id", nullable = false)
    private UUID fleetId;

    @Column(nullable = false)
    private int ordinal;

    protected FleetMachine() {
    }

    public FleetMachine(UUID machineId, UUID fleetId, int ordinal) {
        super(machineId);
        this.fleetId = fleetId;
        this.ordinal = ordinal;
    }

    /** The member machine's id, which is also this row's. */
    public UUID getMachineId() {
        return getId();
    }

    public UUID getFleetId() {
        return fleetId;
    }

    public int getOrdinal() {
        return ordinal;
    }
}

package dev.diskfleet.domain.machine;

import dev.diskfleet.domain.BaseEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.util.UUID;

/** A guest: its hardware, its power state and where it stands in its snapshot tree. */
@Entity
@Table(name = "machines")
public class Machine extends BaseEntity {

    @Column(nullable = false)
    private String name;

    private String description;

    @Column(nullable = false)
    private int cpus;

    @Column(name = "memory_mb", nullable = false)
    private int memoryMb;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private MachineState state;

    /** The snapshot the current state was taken from or restored to (VirtualBox's current snapshot). */
    @Column(name = "current_snapshot_id")
    private UUID currentSnapshotId;

    protected Machine() {
    }

    public Machine(UUID id, String name, String description, int cpus, int memoryMb) {
        super(id);
        this.name = name;
        this.description = description;
        this.cpus = cpus;
        this.memoryMb = memoryMb;
        this.state = MachineState.POWERED_OFF;
    }

    public boolean isRunning() {
        return state == MachineState.RUNNING;
    }

    /** How messages name the machine: its name and id, so a person finds it either way. */
    public String label() {
        return name + " (" + getId() + ")";
    }

    /**
     * Its disks changed (attached, detached, snapshotted): they are part of what a client reads as the
     * machine, so its row is written and its version, the ETag, moves on.
     */
    public void disksChanged() {
        markChanged();
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public int getCpus() {
        return cpus;
    }

    public void setCpus(int cpus) {
        this.cpus = cpus;
    }

    public int getMemoryMb() {
        return memoryMb;
    }

    public void setMemoryMb(int memoryMb) {
        this.memoryMb = memoryMb;
    }

    public MachineState getState() {
        return state;
    }

    public void setState(MachineState state) {
        this.state = state;
    }

    public UUID getCurrentSnapshotId() {
        return currentSnapshotId;
    }

    public void setCurrentSnapshotId(UUID currentSnapshotId) {
        this.currentSnapshotId = currentSnapshotId;
    }
}

package dev.diskfleet.machine;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A guest: its hardware, its power state and where it stands in its snapshot tree. */
@Entity
@Table(name = "machines")
public class Machine {

    @Id
    private UUID id;

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

    @Column(name = "created_at", nullable = false)
    private OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    private OffsetDateTime updatedAt;

    @Version
    private long version;

    protected Machine() {
    }

    public Machine(UUID id, String name, String description, int cpus, int memoryMb) {
        this.id = id;
        this.name = name;
        this.description = description;
        this.cpus = cpus;
        this.memoryMb = memoryMb;
        this.state = MachineState.POWERED_OFF;
        this.createdAt = OffsetDateTime.now();
        this.updatedAt = this.createdAt;
    }

    public boolean isRunning() {
        return state == MachineState.RUNNING;
    }

    /** How messages name the machine: its name and id, so a person finds it either way. */
    public String label() {
        return name + " (" + id + ")";
    }

    public void touch() {
        updatedAt = OffsetDateTime.now();
    }

    public UUID getId() {
        return id;
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

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }

    public OffsetDateTime getUpdatedAt() {
        return updatedAt;
    }

    public long getVersion() {
        return version;
    }
}

package dev.diskfleet.domain.node;

import dev.diskfleet.domain.BaseEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One service process that shares the database, as it last reported itself. */
@Entity
@Table(name = "nodes")
public class Node extends BaseEntity {

    @Column(nullable = false, updatable = false)
    private String name;

    @Column(nullable = false)
    private String url;

    /** pid@host and storage root of the process that holds the name now. */
    @Column(nullable = false)
    private String instance;

    @Column(nullable = false)
    private boolean drained;

    @Column(name = "started_at", nullable = false)
    private OffsetDateTime startedAt;

    @Column(name = "last_heartbeat", nullable = false)
    private OffsetDateTime lastHeartbeat;

    @Column(name = "stopped_at")
    private OffsetDateTime stoppedAt;

    @Column(nullable = false)
    private int cpus;

    @Column(name = "memory_bytes", nullable = false)
    private long memoryBytes;

    @Column(name = "free_guest_memory_bytes", nullable = false)
    private long freeGuestMemoryBytes;

    /** What diskfleet.node.max-guest-memory-mb gives its guests in all. */
    @Column(name = "guest_memory_bytes", nullable = false)
    private long guestMemoryBytes;

    /** Where its guests' port forwards are reached (diskfleet.node.guest-address). */
    @Column(name = "guest_address")
    private String guestAddress;

    @Column(name = "free_disk_bytes", nullable = false)
    private long freeDiskBytes;

    @Column(name = "running_guests", nullable = false)
    private int runningGuests;

    @Column(name = "service_version", nullable = false)
    private String serviceVersion;

    protected Node() {
    }

    public Node(String name) {
        super(UUID.randomUUID());
        this.name = name;
    }

    /** This process takes the name: a new start, alive from now on. */
    public void claim(String url, String guestAddress, String instance, String serviceVersion, OffsetDateTime now) {
        this.url = url;
        this.guestAddress = guestAddress;
        this.instance = instance;
        this.serviceVersion = serviceVersion;
        this.startedAt = now;
        this.lastHeartbeat = now;
        this.stoppedAt = null;
    }

    /** What the process reports at every heartbeat. */
    public void report(NodeCapacity capacity, OffsetDateTime now) {
        this.cpus = capacity.cpus();
        this.memoryBytes = capacity.memoryBytes();
        this.guestMemoryBytes = capacity.guestMemoryBytes();
        this.freeGuestMemoryBytes = capacity.freeGuestMemoryBytes();
        this.freeDiskBytes = capacity.freeDiskBytes();
        this.runningGuests = capacity.runningGuests();
        this.lastHeartbeat = now;
    }

    public void stopped(OffsetDateTime now) {
        this.stoppedAt = now;
    }

    public void setDrained(boolean drained) {
        this.drained = drained;
    }

    public String getName() {
        return name;
    }

    public String getUrl() {
        return url;
    }

    public String getInstance() {
        return instance;
    }

    public boolean isDrained() {
        return drained;
    }

    public OffsetDateTime getStartedAt() {
        return startedAt;
    }

    public OffsetDateTime getLastHeartbeat() {
        return lastHeartbeat;
    }

    public OffsetDateTime getStoppedAt() {
        return stoppedAt;
    }

    public int getCpus() {
        return cpus;
    }

    public long getMemoryBytes() {
        return memoryBytes;
    }

    public long getFreeGuestMemoryBytes() {
        return freeGuestMemoryBytes;
    }

    public long getGuestMemoryBytes() {
        return guestMemoryBytes;
    }

    public String getGuestAddress() {
        return guestAddress;
    }

    public long getFreeDiskBytes() {
        return freeDiskBytes;
    }

    public int getRunningGuests() {
        return runningGuests;
    }

    public String getServiceVersion() {
        return serviceVersion;
    }
}

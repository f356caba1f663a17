package dev.diskfleet.domain.machine;

import dev.diskfleet.domain.BaseEntity;
import dev.diskfleet.domain.network.NetworkMode;
import dev.diskfleet.domain.network.NetworkModeColumn;
import jakarta.persistence.AssociationOverride;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinTable;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A guest: its hardware, its cloud-init seed, its power state and where it stands in its snapshot tree. */
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

    @Column(name = "last_exit_reason")
    private String lastExitReason;

    @Column(name = "last_exit_detail")
    private String lastExitDetail;

    @Column(name = "last_exit_at")
    private OffsetDateTime lastExitAt;

    /** The console lines, newline-separated, cut to the column's size from the start. */
    @Column(name = "last_exit_console")
    private String lastExitConsole;

    @Embedded
    @AssociationOverride(name = "metaData", joinTable = @JoinTable(name = "machine_cloud_init_meta_data",
            joinColumns = @JoinColumn(name = "machine_id")))
    private CloudInitColumns cloudInit = new CloudInitColumns();

    @Convert(converter = NetworkModeColumn.class)
    @Column(name = "network_mode", nullable = false)
    private NetworkMode networkMode = NetworkMode.USER;

    /** Whether the guest may reach out through the host; without it, only what is forwarded reaches it. */
    @Column(name = "network_outbound", nullable = false)
    private boolean networkOutbound;

    /** The node that holds its own disks and runs its guest; null until it is placed. */
    private String node;

    private static final int MAX_DETAIL = 2000;
    private static final int MAX_CONSOLE = 8000;

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

    /** The guest stopped running: the machine is powered off, and how it ended is kept. */
    public void guestEnded(LastExit exit) {
        this.state = MachineState.POWERED_OFF;
        this.lastExitReason = exit.reason();
        this.lastExitDetail = cut(exit.detail(), MAX_DETAIL);
        this.lastExitAt = exit.at();
        String console = String.join("\n", exit.consoleTail());
        this.lastExitConsole = console.isEmpty() ? null
                : console.substring(Math.max(0, console.length() - MAX_CONSOLE));
    }

    /**
     * Its node was lost while it ran: nobody can say whether its guest still runs, so it is neither running nor
     * powered off until its node comes back or it is started on another.
     */
    public void nodeLost(String lostNode, OffsetDateTime at) {
        this.state = MachineState.UNKNOWN;
        this.lastExitReason = LastExit.NODE_LOST;
        this.lastExitDetail = "node " + lostNode + " sent no heartbeat within the node timeout while its guest ran";
        this.lastExitAt = at;
        this.lastExitConsole = null;
    }

    public boolean isUnknown() {
        return state == MachineState.UNKNOWN;
    }

    /**
     * It lives on {@code node} from now on, with fresh disks made there: a machine whose node was lost is
     * powered off here (its last exit stays {@code nodeLost}) until it is started.
     */
    public void movedTo(String node) {
        this.node = node;
        if (state == MachineState.UNKNOWN) {
            this.state = MachineState.POWERED_OFF;
        }
        markChanged();
    }

    /** How the last guest run ended; empty if no guest has run yet. */
    public Optional<LastExit> lastExit() {
        if (lastExitReason == null) {
            return Optional.empty();
        }
        List<String> console = lastExitConsole == null ? List.of() : Arrays.asList(lastExitConsole.split("\n", -1));
        return Optional.of(new LastExit(lastExitReason, lastExitDetail, lastExitAt, console));
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    public CloudInit cloudInit() {
        return cloudInit.value();
    }

    public void setCloudInit(CloudInit changed) {
        cloudInit.set(changed);
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

    public NetworkMode getNetworkMode() {
        return networkMode;
    }

    public boolean isNetworkOutbound() {
        return networkOutbound;
    }

    /**
     * The network's mode and way out. Its forwards are rows of their own but part of what a client reads as
     * the machine, so the version moves on even when only they change.
     */
    public void setNetwork(NetworkMode mode, boolean outbound) {
        this.networkMode = mode;
        this.networkOutbound = outbound;
        markChanged();
    }

    public String getNode() {
        return node;
    }

    /** Where its disks are made and its guest runs; set once, when it is placed. */
    public void placeOn(String node) {
        this.node = node;
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

package dev.diskfleet.domain.fleet;

import dev.diskfleet.domain.BaseEntity;
import dev.diskfleet.domain.machine.CloudInit;
import dev.diskfleet.domain.machine.CloudInitColumns;
import dev.diskfleet.domain.network.ForwardProtocol;
import dev.diskfleet.domain.network.NetworkMode;
import dev.diskfleet.domain.network.NetworkModeColumn;
import dev.diskfleet.domain.network.NetworkPlan;
import dev.diskfleet.domain.node.Placement;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * N machines stamped from one golden image and one differencing disk per machine on the fleet's base.
 * The base is a full clone of a normal golden (the fleet's own immutable copy, so the golden stays
 * editable), or an immutable golden itself: a <em>linked</em> fleet, which copies nothing.
 */
@Entity
@Table(name = "fleets")
public class Fleet extends BaseEntity {

    @Column(nullable = false)
    private String name;

    @Column(name = "golden_image_id", nullable = false)
    private UUID goldenImageId;

    @Column(name = "base_image_id", nullable = false)
    private UUID baseImageId;

    /** The size asked for; the members are the machines actually linked. */
    @Column(nullable = false)
    private int size;

    @Column(name = "machine_name_prefix", nullable = false)
    private String machineNamePrefix;

    @Column(name = "auto_reset", nullable = false)
    private boolean autoReset;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private FleetState state;

    /** CPUs and memory of each member; null: the machine defaults. */
    @Column(name = "member_cpus")
    private Integer memberCpus;

    @Column(name = "member_memory_mb")
    private Integer memberMemoryMb;

    @Convert(converter = NetworkModeColumn.class)
    @Column(name = "member_network_mode", nullable = false)
    private NetworkMode memberNetworkMode = NetworkMode.USER;

    @Column(name = "member_network_outbound", nullable = false)
    private boolean memberNetworkOutbound;

    /** The guest ports forwarded on each member, {@code 5432/tcp,22/tcp}; each member gets its own host ports. */
    @Column(name = "member_forwards", nullable = false)
    private String memberForwards = "";
    /** The cloud-init setting every member gets, on deploy and on scale; each member's seed names it. */
    @Embedded
    @AssociationOverride(name = "metaData", joinTable = @JoinTable(name = "fleet_cloud_init_meta_data",
            joinColumns = @JoinColumn(name = "fleet_id")))
    private CloudInitColumns memberCloudInit = new CloudInitColumns();

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Placement placement = Placement.SPREAD;

    protected Fleet() {
    }

    public Fleet(UUID id, String name, UUID goldenImageId, UUID baseImageId, int size, String machineNamePrefix,
            boolean autoReset) {
        super(id);
        this.name = name;
        this.goldenImageId = goldenImageId;
        this.baseImageId = baseImageId;
        this.size = size;
        this.machineNamePrefix = machineNamePrefix;
        this.autoReset = autoReset;
        this.state = FleetState.PROVISIONING;
    }

    /**
     * What each member gets besides its disk. Host ports are never part of it: every member gets its own,
     * picked by the service.
     */
    public void setMemberHardware(Integer cpus, Integer memoryMb, NetworkPlan network) {
        if (network.forwards().stream().anyMatch(forward -> forward.hostPort() != null)) {
            throw new IllegalArgumentException("a fleet's forwards name no host port");
        }
        this.memberCpus = cpus;
        this.memberMemoryMb = memoryMb;
        this.memberNetworkMode = network.mode();
        this.memberNetworkOutbound = network.outbound();
        this.memberForwards = String.join(",", network.forwards().stream().map(NetworkPlan.Forward::key).toList());
    }

    public Placement getPlacement() {
        return placement;
    }

    public void setPlacement(Placement placement) {
        this.placement = placement;
    }

    public Integer getMemberCpus() {
        return memberCpus;
    }

    public Integer getMemberMemoryMb() {
        return memberMemoryMb;
    }

    /** The network each member gets: the fleet's forwards, each host port left to the service. */
    public NetworkPlan memberNetwork() {
        List<NetworkPlan.Forward> forwards = new ArrayList<>();
        for (String key : memberForwards.isEmpty() ? new String[0] : memberForwards.split(",")) {
            String[] portAndProtocol = key.split("/");
            forwards.add(new NetworkPlan.Forward(ForwardProtocol.valueOf(portAndProtocol[1].toUpperCase(Locale.ROOT)),
                    Integer.parseInt(portAndProtocol[0]), null));
        }
        return new NetworkPlan(memberNetworkMode, memberNetworkOutbound, forwards);
    }

    /** The name of member {@code ordinal} (1-based): {@code <prefix>-<ordinal>}. */
    public String machineName(int ordinal) {
        return machineNamePrefix + "-" + ordinal;
    }

    public void moveTo(FleetState newState) {
        state = newState;
    }

    public void resize(int newSize) {
        size = newSize;
    }

    public CloudInit memberCloudInit() {
        return memberCloudInit.value();
    }

    public void setMemberCloudInit(CloudInit cloudInit) {
        memberCloudInit.set(cloudInit);
    }

    public String getName() {
        return name;
    }

    public UUID getGoldenImageId() {
        return goldenImageId;
    }

    public UUID getBaseImageId() {
        return baseImageId;
    }

    /** Whether the base is the golden image itself (an immutable golden, used without a copy). */
    public boolean isLinked() {
        return baseImageId.equals(goldenImageId);
    }

    public int getSize() {
        return size;
    }

    public String getMachineNamePrefix() {
        return machineNamePrefix;
    }

    public boolean isAutoReset() {
        return autoReset;
    }

    public FleetState getState() {
        return state;
    }
}

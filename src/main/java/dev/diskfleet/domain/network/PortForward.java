package dev.diskfleet.domain.network;

import dev.diskfleet.domain.BaseEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;
import java.util.UUID;

/**
 * A host port given to one machine: packets to it reach {@code guestPort} of the machine's guest. The row
 * keeps a picked port, so the machine has it at every boot; the table's unique constraint makes it this
 * machine's alone, and it goes with the machine.
 */
@Entity
@Table(name = "port_forwards")
public class PortForward extends BaseEntity {

    @Column(name = "machine_id", nullable = false)
    private UUID machineId;

    @Column(nullable = false)
    @Enumerated(EnumType.STRING)
    private ForwardProtocol protocol;

    @Column(name = "guest_port", nullable = false)
    private int guestPort;

    @Column(name = "host_port", nullable = false)
    private int hostPort;

    /** The client named the host port (rather than letting the service pick it). */
    @Column(nullable = false)
    private boolean named;

    protected PortForward() {
    }

    public PortForward(UUID id, UUID machineId, ForwardProtocol protocol, int guestPort, int hostPort, boolean named) {
        super(id);
        this.machineId = machineId;
        this.protocol = protocol;
        this.guestPort = guestPort;
        this.hostPort = hostPort;
        this.named = named;
    }

    public UUID getMachineId() {
        return machineId;
    }

    public ForwardProtocol getProtocol() {
        return protocol;
    }

    public int getGuestPort() {
        return guestPort;
    }

    public int getHostPort() {
        return hostPort;
    }

    public boolean isNamed() {
        return named;
    }

    /** {@code 5432/tcp}. */
    public String key() {
        return guestPort + "/" + protocol.apiName();
    }
}

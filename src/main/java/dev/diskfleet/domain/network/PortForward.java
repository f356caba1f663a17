package dev.diskfleet.domain.network;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostPersist;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import java.util.UUID;
import org.springframework.data.domain.Persistable;

/**
 * A host port given to one machine: packets to it reach {@code guestPort} of the machine's guest. The row
 * keeps a picked port, so the machine has it at every boot; the row is keyed by the host port and its
 * protocol, which makes it this machine's alone, and it goes with the machine.
 */
@Entity
@Table(name = "machine_forwards")
@IdClass(PortForward.Key.class)
public class PortForward implements Persistable<PortForward.Key> {

    /** A host port of one protocol: what no two forwards share. */
    public record Key(String protocol, int hostPort) {

        /** For JPA. */
        public Key() {
            this(null, 0);
        }
    }

    /** As the API spells it, {@code tcp} or {@code udp}: JPA converts no key column. */
    @Id
    @Column(nullable = false)
    private String protocol;

    @Id
    @Column(name = "host_port", nullable = false)
    private int hostPort;

    @Column(name = "machine_id", nullable = false)
    private UUID machineId;

    @Column(name = "guest_port", nullable = false)
    private int guestPort;

    /**
     * A new forward is always inserted, never merged: a merge would move another machine's port to this one
     * instead of failing on the key.
     */
    @Transient
    private boolean fresh = true;

    protected PortForward() {
    }

    public PortForward(UUID machineId, ForwardProtocol protocol, int guestPort, int hostPort) {
        this.machineId = machineId;
        this.protocol = protocol.apiName();
        this.guestPort = guestPort;
        this.hostPort = hostPort;
    }

    @Override
    public Key getId() {
        return new Key(protocol, hostPort);
    }

    @Override
    public boolean isNew() {
        return fresh;
    }

    @PostLoad
    @PostPersist
    void stored() {
        fresh = false;
    }

    public UUID getMachineId() {
        return machineId;
    }

    public ForwardProtocol getProtocol() {
        return ForwardProtocol.fromApiName(protocol, "protocol");
    }

    public int getGuestPort() {
        return guestPort;
    }

    public int getHostPort() {
        return hostPort;
    }

    /** {@code 5432/tcp}. */
    public String key() {
        return guestPort + "/" + protocol;
    }
}

package dev.diskfleet.domain.machine;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** A forward from a port of the host to a port of the guest, over TCP or UDP. */
@Embeddable
public record PortForward(
        @Column(name = "protocol", nullable = false) String protocol,
        @Column(name = "guest_port", nullable = false) int guestPort,
        @Column(name = "host_port", nullable = false) int hostPort) {
}

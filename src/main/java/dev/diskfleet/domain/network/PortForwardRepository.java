package dev.diskfleet.domain.network;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface PortForwardRepository extends JpaRepository<PortForward, PortForward.Key> {

    List<PortForward> findByMachineIdOrderByProtocolAscGuestPortAsc(UUID machineId);

    List<PortForward> findByMachineIdIn(Collection<UUID> machineIds);

    /** {@code protocol} as the API spells it: {@code tcp}, {@code udp}. */
    Optional<PortForward> findByProtocolAndHostPort(String protocol, int hostPort);

    /** The host ports of {@code protocol} ({@code tcp}, {@code udp}) given out from {@code first}-{@code last}, in order. */
    @Query("select f.hostPort from PortForward f where f.protocol = :protocol and f.hostPort between :first and :last"
            + " order by f.hostPort")
    List<Integer> hostPortsIn(String protocol, int first, int last);
}

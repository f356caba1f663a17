package dev.diskfleet.domain.fleet;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

public interface FleetMachineRepository extends JpaRepository<FleetMachine, UUID> {

    List<FleetMachine> findByFleetIdOrderByOrdinal(UUID fleetId);

    long countByFleetId(UUID fleetId);
}

package dev.diskfleet.domain.fleet;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

public interface FleetRepository extends JpaRepository<Fleet, UUID> {

    boolean existsByName(String name);

    List<Fleet> findByStateIn(Collection<FleetState> states);
}

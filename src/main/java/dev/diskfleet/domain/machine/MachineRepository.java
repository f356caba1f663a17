package dev.diskfleet.domain.machine;

import jakarta.persistence.LockModeType;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

public interface MachineRepository extends JpaRepository<Machine, UUID>, JpaSpecificationExecutor<Machine> {

    /**
     * The machine row locked for update: every change to a machine's power state, attachments or
     * snapshots takes this lock first, so two such changes to one machine never interleave.
     */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select m from Machine m where m.id = :id")
    Optional<Machine> lockById(UUID id);

    boolean existsByName(String name);
}

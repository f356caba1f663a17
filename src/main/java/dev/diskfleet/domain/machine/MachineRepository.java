package dev.diskfleet.domain.machine;

import jakarta.persistence.LockModeType;
import java.util.List;
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

    @Query("select m.id from Machine m where m.state = :state")
    List<UUID> findIdsByState(MachineState state);

    /** The machines in {@code state} placed on {@code node}. */
    @Query("select m.id from Machine m where m.state = :state and m.node = :node")
    List<UUID> findIdsByStateOnNode(MachineState state, String node);

    /** The memory the machines in {@code state} were given, in MiB (0 when there are none). */
    @Query("select coalesce(sum(m.memoryMb), 0) from Machine m where m.state = :state")
    long sumMemoryMbByState(MachineState state);

    /** The memory the machines in {@code state} placed on {@code node} were given, in MiB. */
    @Query("select coalesce(sum(m.memoryMb), 0) from Machine m where m.state = :state and m.node = :node")
    long sumMemoryMbByStateOnNode(MachineState state, String node);
}

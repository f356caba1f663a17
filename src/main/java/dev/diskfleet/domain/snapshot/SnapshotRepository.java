package dev.diskfleet.domain.snapshot;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface SnapshotRepository extends JpaRepository<Snapshot, UUID> {

    List<Snapshot> findByMachineIdOrderByCreatedAtAscIdAsc(UUID machineId);

    List<Snapshot> findByParentId(UUID parentId);

    @Query("select s from Snapshot s join s.media m where m.attachmentId = :attachmentId order by s.createdAt")
    List<Snapshot> findRecording(UUID attachmentId);

    @Query("select s from Snapshot s join s.media m where m.mediumId = :mediumId")
    List<Snapshot> findByMedium(UUID mediumId);
}

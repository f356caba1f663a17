package dev.diskfleet.domain.attachment;

import dev.diskfleet.domain.machine.MachineState;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface AttachmentRepository extends JpaRepository<Attachment, UUID> {

    List<Attachment> findByMachineIdOrderByPortAscDeviceAsc(UUID machineId);

    /** The attachments of {@code imageId} to any of {@code machineIds}: one query for a fleet's members. */
    List<Attachment> findByImageIdAndMachineIdIn(UUID imageId, Collection<UUID> machineIds);

    Optional<Attachment> findByMachineIdAndPortAndDevice(UUID machineId, int port, int device);

    Optional<Attachment> findByExclusiveImageId(UUID imageId);

    Optional<Attachment> findByMediumId(UUID mediumId);

    @Query("select a from Attachment a where a.imageId = :imageId or a.mediumId = :imageId"
            + " or a.id in (select m.attachmentId from Snapshot s join s.media m where m.mediumId = :imageId)"
            + " order by a.createdAt, a.id")
    List<Attachment> findUsing(UUID imageId);

    @Query("select a from Attachment a, Machine m where a.machineId = m.id and m.state = :state"
            + " and a.mediumId in :media order by a.createdAt")
    List<Attachment> findByMediumIdInAndMachineState(Collection<UUID> media, MachineState state);
}

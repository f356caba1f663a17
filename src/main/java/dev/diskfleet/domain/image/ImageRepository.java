package dev.diskfleet.domain.image;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;

public interface ImageRepository extends JpaRepository<Image, UUID>, JpaSpecificationExecutor<Image> {

    List<Image> findByParentId(UUID parentId);

    long countByParentId(UUID parentId);

    @Query("select i.id from Image i")
    List<UUID> findAllIds();

    /** Which of {@code ids} have a row: one query for a batch. */
    @Query("select i.id from Image i where i.id in :ids")
    List<UUID> findIdsIn(java.util.Collection<UUID> ids);
}

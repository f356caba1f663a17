package dev.diskfleet.domain.image;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface ImageLocationRepository extends JpaRepository<ImageLocation, ImageLocation.Key> {

    List<ImageLocation> findByImageIdOrderByNodeNameAsc(UUID imageId);

    List<ImageLocation> findByImageIdIn(Collection<UUID> imageIds);

    boolean existsByImageIdAndNodeName(UUID imageId, String nodeName);

    /** Which of {@code imageIds} the node {@code nodeName} already holds: one query for a batch. */
    @Query("select l.imageId from ImageLocation l where l.nodeName = :nodeName and l.imageId in :imageIds")
    List<UUID> findImageIdsAt(String nodeName, Collection<UUID> imageIds);

    /** Forgets every node's digest of the image's file: it may change from now on. */
    @Modifying
    @Query("update ImageLocation l set l.contentSha256 = null where l.imageId = :imageId")
    int forgetDigests(UUID imageId);
}

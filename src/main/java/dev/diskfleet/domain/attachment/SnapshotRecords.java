package dev.diskfleet.domain.attachment;

import java.util.Optional;
import java.util.UUID;

/**
 * Which snapshot froze an image, asked by the attach rules and answered by the snapshot feature (which
 * builds on attachments), so attachments do not depend on snapshots.
 */
public interface SnapshotRecords {

    /** A label of a snapshot that froze {@code imageId}, if any. */
    Optional<String> frozenIn(UUID imageId);
}

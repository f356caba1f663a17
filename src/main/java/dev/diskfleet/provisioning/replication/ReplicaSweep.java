package dev.diskfleet.provisioning.replication;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.provisioning.image.ImageReaders;
import dev.diskfleet.storage.ImageStore;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Removes this node's copies of images that were deleted, on whichever node and by whatever path: the
 * delete took the image's row and its location rows, and the file of a copy stays behind on every node
 * that holds one until that node's sweep notices (every {@code diskfleet.cluster.replica-sweep-interval},
 * default 60 s). A copy that a clone, download or NBD export here is still reading waits for the next round.
 */
@Component
public class ReplicaSweep {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSweep.class);

    private final ReplicaMarkers markers;
    private final ImageRepository images;
    private final ImageReaders readers;
    private final ImageStore store;

    ReplicaSweep(ReplicaMarkers markers, ImageRepository images, ImageReaders readers, ImageStore store) {
        this.markers = markers;
        this.images = images;
        this.readers = readers;
        this.store = store;
    }

    /** Returns how many files it removed. */
    @Scheduled(initialDelayString = "${diskfleet.cluster.replica-sweep-interval:60s}",
            fixedDelayString = "${diskfleet.cluster.replica-sweep-interval:60s}")
    public int sweep() {
        int removed = 0;
        for (UUID id : markers.marked()) {
            if (images.existsById(id)) {
                continue;
            }
            try {
                readers.requireIdle(id, "remove the copy of");
            } catch (ConflictException busy) {
                continue;
            }
            // The node that deleted the image removed its own file already; only the mark is left there.
            boolean held = store.exists(id);
            if (held) {
                store.delete(id);
            }
            markers.unmark(id);
            if (held) {
                removed++;
                LOG.info("removed this node's file of image {}: the image was deleted on another node", id);
            }
        }
        return removed;
    }
}

package dev.diskfleet.provisioning.image;

import dev.diskfleet.domain.image.Image;
import dev.diskfleet.domain.image.ImageRepository;
import dev.diskfleet.domain.image.ImageState;
import dev.diskfleet.storage.ImageStore;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Matches rows and files at startup (run by the startup recovery, before the web server accepts
 * requests, so no upload in flight can be mistaken for a crash's leftover): temporary files left by a crash are removed, a row whose
 * file is missing is shown as {@code inaccessible} (and as {@code ready} again once the file is back),
 * and a file no row knows is reported as an orphan.
 */
@Component
public class StorageReconciler {

    private static final Logger log = LoggerFactory.getLogger(StorageReconciler.class);

    private final ImageRepository images;
    private final ImageStore store;
    private final ImageLocations locations;
    private final boolean cluster;
    private final TransactionTemplate tx;

    public StorageReconciler(ImageRepository images, ImageStore store, ImageLocations locations,
            @Value("${diskfleet.cluster.enabled:false}") boolean cluster, PlatformTransactionManager transactions) {
        this.images = images;
        this.store = store;
        this.locations = locations;
        this.cluster = cluster;
        this.tx = new TransactionTemplate(transactions);
    }

    /** Removes temporary files a crash left in the storage root (only safe while nothing is being written). */
    public void removeTemporaryFiles() {
        for (String removed : store.removeTemporaryFiles()) {
            log.info("removed {} from {}, a temporary file left by an interrupted upload, clone or export", removed,
                    store);
        }
    }

    /**
     * Records this node as the place of every image whose file its storage root holds, and forgets it where the
     * file is gone. A row whose file is missing here is marked inaccessible (and ready again once the file is
     * back), unless, in a cluster, another node holds the file: then this node simply has no copy. Reports
     * orphan files.
     */
    public void reconcile() {
        Set<UUID> files = store.listImageIds();
        tx.executeWithoutResult(status -> {
            List<Image> all = images.findAll();
            Map<UUID, List<String>> where = locations.of(all.stream().map(Image::getId).toList());
            for (Image image : all) {
                List<String> holders = where.getOrDefault(image.getId(), List.of());
                boolean here = files.contains(image.getId());
                if (here && !holders.contains(locations.localNode())) {
                    locations.recordHere(image.getId());
                } else if (!here && holders.contains(locations.localNode())) {
                    locations.forgetHere(image.getId());
                }
                boolean elsewhere = cluster && holders.stream().anyMatch(node -> !node.equals(locations.localNode()));
                ImageState actual = here || elsewhere ? ImageState.READY : ImageState.INACCESSIBLE;
                if (image.getState() != actual) {
                    image.setState(actual);
                    if (actual == ImageState.INACCESSIBLE) {
                        log.warn("image {} ({}) is inaccessible: its file {}.{} is missing from {}", image.getId(),
                                image.getName(), image.getId(), image.getFormat(), store);
                    } else {
                        log.info("image {} ({}) is ready again: {}", image.getId(), image.getName(),
                                here ? "its file is back" : "node(s) " + holders + " hold its file");
                    }
                }
            }
        });
        for (OrphanFile orphan : orphans()) {
            log.warn("{} in {} belongs to no image; see GET /api/storage/orphans", orphan.fileName(), store);
        }
    }

    /** Image files no row knows, now. A clone or upload that is being recorded shows here for a moment. */
    public List<OrphanFile> orphans() {
        return store.unownedFiles(new HashSet<>(images.findAllIds())).stream()
                .map(file -> new OrphanFile(file.id(), file.fileName(), file.format(), file.fileBytes())).toList();
    }
}

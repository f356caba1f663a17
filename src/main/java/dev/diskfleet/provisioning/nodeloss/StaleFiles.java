package dev.diskfleet.provisioning.nodeloss;

import dev.diskfleet.domain.image.ImageLocation;
import dev.diskfleet.domain.image.StaleFile;
import dev.diskfleet.domain.image.StaleFileRepository;
import dev.diskfleet.provisioning.LocalNode;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The startup step of a node that comes back after it was lost: the old disks of its machines that were started
 * on another node meanwhile are removed from its storage root (their rows went when the machines moved), each
 * record forgotten once its file is gone. It runs after the guests that used them were powered off, and before
 * rows and files are matched, so none is reported as an orphan. A failed removal stays recorded for the next start.
 */
@Component
public class StaleFiles {

    private static final Logger LOG = LoggerFactory.getLogger(StaleFiles.class);

    private final StaleFileRepository staleFiles;
    private final ImageStore store;
    private final LocalNode local;
    private final TransactionTemplate tx;

    public StaleFiles(StaleFileRepository staleFiles, ImageStore store, LocalNode local,
            PlatformTransactionManager transactions) {
        this.staleFiles = staleFiles;
        this.store = store;
        this.local = local;
        this.tx = new TransactionTemplate(transactions);
    }

    public void removeHere() {
        for (StaleFile stale : staleFiles.findByNodeNameOrderByImageIdAsc(local.name())) {
            try {
                if (store.exists(stale.getImageId())) {
                    store.delete(stale.getImageId());
                    LOG.info("removed the old disk {} of machine {}, which was started on another node while this"
                            + " node was lost", stale.getImageId(), stale.getMachineId());
                }
                tx.executeWithoutResult(status -> staleFiles.deleteById(
                        new ImageLocation.Key(stale.getImageId(), stale.getNodeName())));
            } catch (StorageException e) {
                LOG.warn("cannot remove the stale disk {} of machine {}: {}", stale.getImageId(), stale.getMachineId(),
                        e.getMessage());
            }
        }
    }
}

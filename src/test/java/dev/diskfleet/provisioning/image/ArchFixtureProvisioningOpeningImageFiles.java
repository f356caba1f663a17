package dev.diskfleet.provisioning.image;

import dev.diskfleet.storage.ImageStore;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Breaks a rule on purpose, for ArchitectureRulesFailTest: provisioning reaching an image's file and chain
 * outside the one place each is documented for. Never used.
 */
final class ArchFixtureProvisioningOpeningImageFiles {

    Path file(ImageStore store, UUID id) {
        return store.fileForHypervisor(id);
    }

    long size(ImageStore store, UUID id) {
        return store.chainForNbdExport(id).virtualSize();
    }
}

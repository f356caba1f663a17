package dev.diskfleet.api.image;

import dev.diskfleet.storage.ImageStore;
import java.util.UUID;

/** Breaks a rule on purpose, for ArchitectureRulesFailTest: the HTTP layer calling an engine. Never used. */
final class ArchFixtureApiCallingTheStore {

    boolean exists(ImageStore store, UUID id) {
        return store.exists(id);
    }
}

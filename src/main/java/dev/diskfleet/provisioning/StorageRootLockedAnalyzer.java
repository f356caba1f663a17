package dev.diskfleet.provisioning;

import dev.diskfleet.storage.StorageRootLockedException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a refused storage-root lock into Spring Boot's short "APPLICATION FAILED TO START" report instead
 * of a page of bean-creation stack trace: the person starting a second instance reads who holds the root.
 * Registered in {@code META-INF/spring.factories}.
 */
public class StorageRootLockedAnalyzer extends AbstractFailureAnalyzer<StorageRootLockedException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StorageRootLockedException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Stop the instance holding " + cause.lockFile() + " (" + cause.holder() + "), or start this one"
                        + " with its own data directory (DISKFLEET_DATA_DIR).",
                cause);
    }
}

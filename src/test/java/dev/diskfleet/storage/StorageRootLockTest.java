package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageRootLockTest {

    @TempDir
    Path root;

    @Test
    void aSecondClaimIsRefusedNamingTheHolderAndTheLockFile() throws Exception {
        try (StorageRootLock held = StorageRootLock.acquire(root)) {
            assertThat(Files.readString(root.resolve(".diskfleet.lock")))
                    .startsWith("pid " + ProcessHandle.current().pid() + "@");
            assertThatThrownBy(() -> StorageRootLock.acquire(root))
                    .isInstanceOf(StorageRootLockedException.class)
                    .hasMessageContaining(held.holder())
                    .hasMessageContaining(root.resolve(".diskfleet.lock").toString());
        }
    }

    @Test
    void theRootCanBeClaimedAgainOnceReleased() {
        StorageRootLock.acquire(root).close();
        try (StorageRootLock again = StorageRootLock.acquire(root)) {
            assertThat(again.file()).exists();
        }
    }

    @Test
    void theLockFileIsNeitherAnImageNorATemporaryFile() {
        try (StorageRootLock held = StorageRootLock.acquire(root); ImageStore store = ImageStore.withDefaultFormats(root)) {
            assertThat(store.listImageIds()).isEmpty();
            assertThat(store.removeTemporaryFiles()).isEmpty();
            assertThat(held.file()).exists();
        }
    }
}

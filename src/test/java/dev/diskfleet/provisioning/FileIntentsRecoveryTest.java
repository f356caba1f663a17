package dev.diskfleet.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.FullStackFleetTest;
import dev.diskfleet.storage.Variant;
import java.nio.file.Files;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What a kill leaves between an intent and its rows, settled by the startup recovery: a file the service
 * declared and made but never recorded goes, a file whose row committed stays, a delete whose row
 * committed loses its file, and a file copied in by hand, which no intent names, is only reported.
 */
class FileIntentsRecoveryTest extends FullStackFleetTest {

    @Autowired
    FileIntents intents;

    @Test
    void openIntentsAreSettledByWhetherARowNamesTheFile() throws Exception {
        UUID unrecorded = UUID.randomUUID();
        intents.declare("make", List.of(unrecorded));
        store.create(unrecorded, "vdi", 1 << 20, Variant.DYNAMIC);

        UUID recorded = goldenImage();
        intents.declare("make", List.of(recorded));

        UUID deleted = goldenImage();
        intents.declare("remove", List.of(deleted));
        jdbc.sql("DELETE FROM images WHERE id = ?").param(deleted).update();

        UUID byHand = UUID.randomUUID();
        Files.copy(storageRoot().resolve(recorded + ".vdi"), storageRoot().resolve(byHand + ".vdi"));

        List<UUID> removed = intents.recover();

        assertThat(removed).containsExactlyInAnyOrder(unrecorded, deleted);
        assertThat(store.listImageIds()).contains(recorded, byHand).doesNotContain(unrecorded, deleted);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM file_intents").query(Long.class).single()).isZero();
        assertThat(api.get("/api/storage/orphans").expect(200).text()).contains(byHand.toString());
        Files.delete(storageRoot().resolve(byHand + ".vdi"));
    }
}

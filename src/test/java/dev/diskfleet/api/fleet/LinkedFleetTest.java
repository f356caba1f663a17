package dev.diskfleet.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.FullStackFleetTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A fleet on an immutable golden uses the golden as its base and copies nothing; a
 * normal golden is still cloned. Judged by the files in the storage root and the golden's bytes.
 */
class LinkedFleetTest extends FullStackFleetTest {

    private static final int FLEET = 50;
    /** A member's own disk is a header and a block map; anything bigger would be a copy. */
    private static final long SMALL_FILE = 64 << 10;

    private UUID immutableGolden() {
        UUID golden = goldenImage();
        api.patch("/api/images/" + golden, "{\"type\":\"immutable\"}").expect(200);
        return golden;
    }

    @Test
    void aFleetOnAnImmutableGoldenUsesTheGoldenAsItsBaseAndCopiesNothing() {
        UUID golden = immutableGolden();
        String goldenDigest = sha256(imageFile(golden));
        Map<String, Long> before = fileSizes();

        JsonNode fleet = deploy(unique("linked"), golden, FLEET, unique("ln"), false);

        assertThat(fleet.get("baseImageId").asString()).isEqualTo(golden.toString());
        assertThat(fleet.get("baseIsGolden").asBoolean()).isTrue();
        assertThat(fleet.get("machines")).hasSize(FLEET);
        Map<String, Long> added = new HashMap<>(fileSizes());
        added.keySet().removeAll(before.keySet());
        assertThat(added).hasSize(FLEET);
        assertThat(added.values()).allSatisfy(bytes -> assertThat(bytes).isLessThanOrEqualTo(SMALL_FILE));
        for (JsonNode machine : fleet.get("machines")) {
            UUID disk = UUID.fromString(machine.get("diskImageId").asString());
            assertThat(api.get("/api/images/" + disk).json().get("parentId").asString()).isEqualTo(golden.toString());
            assertThat(readDisk(disk, 7L << 20, MARKER.length)).isEqualTo(MARKER);
        }
        assertThat(sha256(imageFile(golden))).isEqualTo(goldenDigest);

        JsonNode usage = fleet.get("usage");
        long goldenBytes = api.get("/api/images/" + golden).json().get("allocatedBytes").asLong();
        assertThat(usage.get("baseBytes").asLong()).isEqualTo(goldenBytes);
        assertThat(usage.get("savedBytes").asLong())
                .isEqualTo(FLEET * goldenBytes - goldenBytes - usage.get("machineDisksBytes").asLong())
                .isGreaterThan((FLEET - 2) * goldenBytes);
    }

    @Test
    void deletingALinkedFleetRemovesItsMachinesAndDisksButKeepsTheGolden() {
        UUID golden = immutableGolden();
        String goldenDigest = sha256(imageFile(golden));
        Set<String> before = storageFiles();
        JsonNode fleet = deploy(unique("linked"), golden, 3, unique("lnd"), true);
        String url = "/api/fleets/" + fleet.get("id").asString();

        deleteFleet(url + "?force=true");

        assertThat(api.get(url).status()).isEqualTo(404);
        for (JsonNode machine : fleet.get("machines")) {
            assertThat(api.get("/api/machines/" + machine.get("machineId").asString()).status()).isEqualTo(404);
            assertThat(api.get("/api/images/" + machine.get("diskImageId").asString()).status()).isEqualTo(404);
        }
        JsonNode image = api.get("/api/images/" + golden).expect(200).json();
        assertThat(image.get("type").asString()).isEqualTo("immutable");
        assertThat(image.get("state").asString()).isEqualTo("ready");
        assertThat(storageFiles()).isEqualTo(before);
        assertThat(sha256(imageFile(golden))).isEqualTo(goldenDigest);
        // and the golden serves the next fleet as before
        assertThat(deploy(unique("linked"), golden, 1, unique("lnn"), false).get("baseIsGolden").asBoolean()).isTrue();
    }

    @Test
    void aNormalGoldenIsStillClonedIntoAnImmutableBase() {
        UUID golden = goldenImage();

        JsonNode fleet = deploy(unique("cloned"), golden, 2, unique("cl"), false);

        UUID base = UUID.fromString(fleet.get("baseImageId").asString());
        assertThat(base).isNotEqualTo(golden);
        assertThat(fleet.get("baseIsGolden").asBoolean()).isFalse();
        assertThat(api.get("/api/images/" + base).json().get("type").asString()).isEqualTo("immutable");
        assertThat(api.get("/api/images/" + golden).json().get("type").asString()).isEqualTo("normal");
        assertThat(readDisk(base, 7L << 20, MARKER.length)).isEqualTo(MARKER);
    }

    @Test
    void anImmutableGoldenCannotBeDeletedOrRetypedWhileALinkedFleetHasMachinesOnIt() {
        UUID golden = immutableGolden();
        deploy(unique("linked"), golden, 2, unique("lnk"), false);

        assertThat(api.delete("/api/images/" + golden).status()).isEqualTo(409);
        assertThat(api.patch("/api/images/" + golden, "{\"type\":\"normal\"}").status()).isEqualTo(409);
        assertThat(api.get("/api/images/" + golden).json().get("type").asString()).isEqualTo("immutable");
    }

    private Map<String, Long> fileSizes() {
        Map<String, Long> sizes = new HashMap<>();
        try (Stream<Path> files = Files.list(storageRoot())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                sizes.put(file.getFileName().toString(), Files.size(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sizes;
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

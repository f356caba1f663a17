package dev.diskfleet.api.attachment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.FullStackTest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** An immutable golden image shared by several machines, each writing only into its own differencing disk. */
class ImmutableImageTest extends FullStackTest {

    /** Three MiB of known content, so that writes cross VDI's 1 MiB blocks. */
    private static final byte[] GOLDEN = pattern(1, 3 << 20);
    private static final long OFFSET = (1 << 20) - 100;

    private record Guest(UUID machine, UUID attachment, UUID medium) {
    }

    private Guest guestOn(UUID golden, String extra) {
        UUID machine = createMachine();
        JsonNode attachment = attached(machine, golden, 0, extra);
        return new Guest(machine, id(attachment, "id"), id(attachment, "mediumId"));
    }

    private byte[] goldenSlice(long offset, int length) {
        byte[] slice = new byte[length];
        System.arraycopy(GOLDEN, (int) offset, slice, 0, length);
        return slice;
    }

    @Test
    void eachMachineWritesOnlyIntoItsOwnDiskAndPowerOnBringsBackTheGoldenView() {
        UUID golden = goldenImage(GOLDEN);
        String goldenSha = sha256(imageFile(golden));
        List<Guest> guests = List.of(guestOn(golden, ""), guestOn(golden, ""), guestOn(golden, ""));
        Set<UUID> media = new HashSet<>();
        for (Guest guest : guests) {
            JsonNode medium = api.get("/api/images/" + guest.medium()).json();
            assertThat(medium.get("parentId").asString()).isEqualTo(golden.toString());
            assertThat(medium.get("type").asString()).isEqualTo("normal");
            assertThat(medium.get("autoReset").asBoolean()).isTrue();
            media.add(guest.medium());
            power(guest.machine(), "start");
        }
        assertThat(media).hasSize(3).doesNotContain(golden);
        assertThat(api.get("/api/images/" + golden).json().get("attachments")).hasSize(3);

        Guest writer = guests.get(0);
        byte[] change = pattern(2, 200);
        written(writer.machine(), writer.attachment(), OFFSET, change);

        assertThat(read(writer.machine(), writer.attachment(), OFFSET, 200)).isEqualTo(change);
        for (Guest other : guests.subList(1, 3)) {
            assertThat(read(other.machine(), other.attachment(), OFFSET, 200)).isEqualTo(goldenSlice(OFFSET, 200));
        }
        power(writer.machine(), "stop");
        assertThat(read(writer.machine(), writer.attachment(), OFFSET, 200))
                .as("a run's changes stay readable after stop, until the next start").isEqualTo(change);

        power(writer.machine(), "start");

        assertThat(read(writer.machine(), writer.attachment(), 0, GOLDEN.length)).isEqualTo(GOLDEN);
        assertThat(sha256(imageFile(golden))).isEqualTo(goldenSha);
    }

    @Test
    void withAutoResetOffTheChangesSurvivePowerCyclesUntilAutoResetIsTurnedOn() {
        UUID golden = goldenImage(GOLDEN);
        String goldenSha = sha256(imageFile(golden));
        Guest keeper = guestOn(golden, ",\"autoReset\":false");
        assertThat(api.get("/api/images/" + keeper.medium()).json().get("autoReset").asBoolean()).isFalse();
        byte[] change = pattern(3, 4096);

        power(keeper.machine(), "start");
        written(keeper.machine(), keeper.attachment(), OFFSET, change);
        power(keeper.machine(), "stop");
        power(keeper.machine(), "start");
        power(keeper.machine(), "reset");
        assertThat(read(keeper.machine(), keeper.attachment(), OFFSET, change.length)).isEqualTo(change);

        power(keeper.machine(), "stop");
        assertThat(api.patch("/api/images/" + keeper.medium(), "{\"autoReset\":true}").status()).isEqualTo(200);
        power(keeper.machine(), "start");
        assertThat(read(keeper.machine(), keeper.attachment(), OFFSET, change.length))
                .isEqualTo(goldenSlice(OFFSET, change.length));
        assertThat(sha256(imageFile(golden))).isEqualTo(goldenSha);
    }

    @Test
    void guestWritesGrowTheMachinesOwnDiskAndLeaveTheGoldenFileAlone() {
        UUID golden = goldenImage(GOLDEN);
        String goldenSha = sha256(imageFile(golden));
        Guest guest = guestOn(golden, "");
        long before = api.get("/api/images/" + guest.medium()).json().get("allocatedBytes").asLong();

        written(guest.machine(), guest.attachment(), 3 << 20, pattern(4, 1 << 20));

        assertThat(api.get("/api/images/" + guest.medium()).json().get("allocatedBytes").asLong())
                .isGreaterThanOrEqualTo(before + (1 << 20));
        assertThat(sha256(imageFile(golden))).isEqualTo(goldenSha);
    }

    @Test
    void detachingDeletesTheMachinesOwnDiskUnlessItIsKept() {
        UUID golden = goldenImage(GOLDEN);
        Guest dropped = guestOn(golden, "");
        Guest kept = guestOn(golden, ",\"autoReset\":false");
        byte[] change = pattern(5, 1000);
        written(kept.machine(), kept.attachment(), 0, change);

        assertThat(api.delete("/api/machines/" + dropped.machine() + "/attachments/" + dropped.attachment()).status())
                .isEqualTo(204);
        assertThat(api.delete("/api/machines/" + kept.machine() + "/attachments/" + kept.attachment() + "?keepDisk=true")
                .status()).isEqualTo(204);

        assertThat(api.get("/api/images/" + dropped.medium()).status()).isEqualTo(404);
        assertThat(imageFile(dropped.medium())).doesNotExist();
        JsonNode keptDisk = api.get("/api/images/" + kept.medium()).json();
        assertThat(keptDisk.get("parentId").asString()).isEqualTo(golden.toString());
        assertThat(keptDisk.get("attachments")).isEmpty();
        assertThat(api.get("/api/machines/" + kept.machine()).json().get("attachments")).isEmpty();

        UUID next = createMachine();
        JsonNode reattached = attached(next, kept.medium(), 0);
        assertThat(reattached.get("type").asString()).isEqualTo("normal");
        assertThat(id(reattached, "mediumId")).isEqualTo(kept.medium());
        assertThat(read(next, id(reattached, "id"), 0, change.length)).isEqualTo(change);
    }

    @Test
    void anAttachedGoldenCannotBeRetypedOrDeletedAndARunningMachineHoldsItsWholeChain() {
        UUID golden = goldenImage(GOLDEN);
        Guest guest = guestOn(golden, "");
        String machineName = api.get("/api/machines/" + guest.machine()).json().get("name").asString();

        assertProblem(api.patch("/api/images/" + golden, "{\"type\":\"normal\"}"), 409, "image-has-children",
                guest.medium().toString());
        assertProblem(api.delete("/api/images/" + guest.medium()), 409, "image-attached", machineName);

        power(guest.machine(), "start");
        assertProblem(api.delete("/api/images/" + golden), 409, "image-held", machineName, "stop the machine first");
        assertProblem(api.patch("/api/images/" + golden, "{\"type\":\"writethrough\"}"), 409, "image-held", machineName);
        assertProblem(api.delete("/api/images/" + guest.medium()), 409, "image-held", machineName);
        assertThat(sha256(imageFile(golden))).isNotEmpty();
    }

    @Test
    void aRunningMachineHoldsItsNormalDiskAgainstRetyping() {
        UUID normal = createImage("normal");
        UUID machine = createMachine();
        attached(machine, normal, 0);
        String machineName = api.get("/api/machines/" + machine).json().get("name").asString();

        assertProblem(api.patch("/api/images/" + normal, "{\"type\":\"immutable\"}"), 409, "image-attached", machineName);
        power(machine, "start");
        assertProblem(api.patch("/api/images/" + normal, "{\"type\":\"immutable\"}"), 409, "image-held", machineName);
        power(machine, "stop");
        assertThat(api.get("/api/images/" + normal).json().get("type").asString()).isEqualTo("normal");
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
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

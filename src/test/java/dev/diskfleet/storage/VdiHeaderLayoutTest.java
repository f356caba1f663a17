package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The header bytes we write, read back with offsets taken from the project's format reference
 * (docs/formats.md §1.1 "Pre-header" and §1.2 "Header version 1.1") rather than from the
 * driver. {@code qemu-img info} does not show VDI UUIDs, so their byte order (§1.3 "UUID byte order") is
 * checked here.
 */
class VdiHeaderLayoutTest {

    private static final UUID PARENT = UUID.fromString("01234567-89ab-cdef-0123-456789abcdef");
    private static final UUID CHILD = UUID.fromString("fedcba98-7654-3210-8899-aabbccddeeff");

    @TempDir
    Path root;

    private ImageStore store;

    @BeforeEach
    void openStore() {
        store = ImageStore.withDefaultFormats(root);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void uuidsAreStoredWithTheirFirstThreeFieldsLittleEndianAsVirtualBoxDoes() throws Exception {
        store.create(PARENT, "vdi", 3 << 20, Variant.DYNAMIC);
        store.createDifferencing(CHILD, PARENT);
        store.close();
        byte[] parent = Files.readAllBytes(root.resolve(PARENT + ".vdi"));
        byte[] child = Files.readAllBytes(root.resolve(CHILD + ".vdi"));

        assertThat(hex(parent, 0x188)).isEqualTo("67452301ab89efcd0123456789abcdef");
        assertThat(hex(child, 0x188)).isEqualTo("98badcfe547610328899aabbccddeeff");
        assertThat(hex(child, 0x1A8)).as("child's uuidLinkage = parent's uuidCreate").isEqualTo(hex(parent, 0x188));
        assertThat(hex(child, 0x1B8)).as("child's uuidParentModify = parent's uuidModify")
                .isEqualTo(hex(parent, 0x198));
        assertThat(hex(parent, 0x1A8)).as("a base image links to nothing").isEqualTo("0".repeat(32));
        assertThat(hex(parent, 0x1B8)).isEqualTo("0".repeat(32));
    }

    @Test
    void importedImageCarriesItsNewUuidInVirtualBoxByteOrder() throws Exception {
        UUID original = UUID.randomUUID();
        store.create(original, "vdi", 2 << 20, Variant.DYNAMIC);
        ByteArrayOutputStream exported = new ByteArrayOutputStream();
        store.export(original, "vdi", exported);
        store.importImage(PARENT, new ByteArrayInputStream(exported.toByteArray()));
        store.close();

        assertThat(hex(Files.readAllBytes(root.resolve(PARENT + ".vdi")), 0x188))
                .isEqualTo("67452301ab89efcd0123456789abcdef");
    }

    @Test
    void headerOfADynamicImageIsWhatVirtualBoxWrites() throws Exception {
        long size = (5L << 20) + 4096;
        store.create(PARENT, "vdi", size, Variant.DYNAMIC);
        store.close();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(root.resolve(PARENT + ".vdi")))
                .order(ByteOrder.LITTLE_ENDIAN);

        assertThat(new String(b.array(), 0, 38, StandardCharsets.US_ASCII)).startsWith("<<< ");
        assertThat(b.getInt(0x40)).isEqualTo(0xBEDA107F);
        assertThat(b.getInt(0x44)).as("version 1.1").isEqualTo(0x00010001);
        assertThat(b.getInt(0x48)).as("cbHeader").isIn(0x180, 0x190);
        assertThat(b.getInt(0x4C)).as("type normal").isEqualTo(1);
        int offBlocks = b.getInt(0x154);
        int offData = b.getInt(0x158);
        assertThat(offBlocks % 512).isZero();
        assertThat(offData % 512).isZero();
        assertThat(b.getInt(0x168)).as("legacy sector size").isEqualTo(512);
        assertThat(b.getLong(0x170)).as("cbDisk").isEqualTo(size);
        assertThat(b.getInt(0x178)).as("cbBlock").isEqualTo(1 << 20);
        assertThat(b.getInt(0x17C)).as("cbBlockExtra").isZero();
        assertThat(b.getInt(0x180)).as("cBlocks").isEqualTo(6);
        assertThat(b.getInt(0x184)).as("cBlocksAllocated").isZero();
        assertThat(offData).isGreaterThanOrEqualTo(offBlocks + 6 * 4);
        for (int i = 0; i < 6; i++) {
            assertThat(b.getInt(offBlocks + 4 * i)).as("block map entry %d is free", i).isEqualTo(0xFFFFFFFF);
        }
        assertThat(b.capacity()).as("an empty dynamic image ends where its data would start").isEqualTo(offData);
    }

    @Test
    void fixedImageMapsEveryBlockInOrderAndHoldsThemAll() throws Exception {
        store.create(PARENT, "vdi", 3L << 20, Variant.FIXED);
        store.close();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(root.resolve(PARENT + ".vdi")))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0x4C)).as("type fixed").isEqualTo(2);
        assertThat(b.getInt(0x184)).as("cBlocksAllocated").isEqualTo(3);
        int offBlocks = b.getInt(0x154);
        for (int i = 0; i < 3; i++) {
            assertThat(b.getInt(offBlocks + 4 * i)).isEqualTo(i);
        }
        assertThat((long) b.capacity()).isEqualTo(b.getInt(0x158) + (3L << 20));
    }

    @Test
    void differencingImageHasTypeFourAndItsParentsGeometry() throws Exception {
        store.create(PARENT, "vdi", 3L << 20, Variant.FIXED);
        store.createDifferencing(CHILD, PARENT);
        store.close();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(root.resolve(CHILD + ".vdi")))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0x4C)).isEqualTo(4);
        assertThat(b.getLong(0x170)).isEqualTo(3L << 20);
        assertThat(b.getInt(0x184)).isZero();
    }

    private static String hex(byte[] file, int offset) {
        return HexFormat.of().formatHex(Arrays.copyOfRange(file, offset, offset + 16));
    }
}

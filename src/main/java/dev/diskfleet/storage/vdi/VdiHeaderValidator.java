package dev.diskfleet.storage.vdi;

import dev.diskfleet.storage.ImageFormatException;
import java.nio.file.Path;

/**
 * Every check a VDI header must pass before any of it is trusted: QEMU's {@code vdi_open} checks, plus
 * the ones that bind the header to the file's real length. Each failure names the field, its value and
 * what was expected.
 */
final class VdiHeaderValidator {

    /** QEMU's limit: 0x3FFFFFFF blocks of 1 MiB (just under 1 PiB). */
    static final long MAX_BLOCKS = 0x3FFFFFFFL;
    static final long MIN_BLOCK_SIZE = 512;
    static final long MAX_BLOCK_SIZE = 64L << 20;

    private final Path file;
    private final long fileLength;

    VdiHeaderValidator(Path file, long fileLength) {
        this.file = file;
        this.fileLength = fileLength;
    }

    void validate(VdiHeader h) {
        if (h.signature() != Integer.toUnsignedLong(VdiHeader.SIGNATURE)) {
            fail("signature is 0x%08X, expected 0xBEDA107F: not a VDI file", h.signature());
        }
        if (h.version() != VdiHeader.VERSION_1_1) {
            fail("version is 0x%08X, expected 0x00010001 (1.1)", h.version());
        }
        if (h.headerSize() < VdiHeader.HEADER_V1 || h.headerSize() > VdiHeader.SECTOR - VdiHeader.PRE_HEADER_SIZE) {
            fail("header size (cbHeader) is %d, expected 384 to 440 bytes", h.headerSize());
        }
        VdiImageType type = h.imageType();
        if (type == null) {
            fail("image type is %d, expected 1 (normal), 2 (fixed) or 4 (differencing)", h.type());
        }
        if (type == VdiImageType.UNDO) {
            fail("image type 3 (undo) is not supported");
        }
        if (h.legacySectorSize() != VdiHeader.SECTOR) {
            fail("legacy geometry sector size is %d, expected 512", h.legacySectorSize());
        }
        checkBlockGeometry(h);
        checkLayout(h);
        checkIdentity(h, type);
    }

    private void checkBlockGeometry(VdiHeader h) {
        long bs = h.blockSize();
        if (bs == 0 || (bs & (bs - 1)) != 0) {
            fail("block size (cbBlock) is %d, expected a power of two", bs);
        }
        if (bs < MIN_BLOCK_SIZE || bs > MAX_BLOCK_SIZE) {
            fail("block size (cbBlock) is %d, expected 512 bytes to 64 MiB (VirtualBox writes 1 MiB)", bs);
        }
        // QEMU's vdi_open refuses other sizes too; VirtualBox itself writes nothing else. Refusing keeps every
        // image the store holds one QEMU can open and one our block arithmetic was tested with.
        if (bs != VdiFormat.BLOCK_SIZE) {
            fail("block size (cbBlock) is %d; only 1 MiB (1048576-byte) blocks are supported, as in QEMU", bs);
        }
        if (h.blockExtra() != 0) {
            fail("per-block extra data (cbBlockExtra) is %d, expected 0", h.blockExtra());
        }
        if (h.diskSize() <= 0) {
            fail("disk size (cbDisk) is %s, expected a positive size", Long.toUnsignedString(h.diskSize()));
        }
        if (h.blockCount() > MAX_BLOCKS) {
            fail("block count (cBlocks) is %d, expected at most %d", h.blockCount(), MAX_BLOCKS);
        }
        if (h.diskSize() > MAX_BLOCKS * bs) {
            fail("disk size (cbDisk) is %d bytes, more than the %d-block maximum of %d-byte blocks",
                    h.diskSize(), MAX_BLOCKS, bs);
        }
        long needed = (h.diskSize() + bs - 1) / bs;
        if (h.blockCount() != needed) {
            fail("block count (cBlocks) is %d, expected %d for a %d-byte disk of %d-byte blocks",
                    h.blockCount(), needed, h.diskSize(), bs);
        }
        if (h.allocatedBlocks() > h.blockCount()) {
            fail("allocated block count (cBlocksAllocated) is %d, more than the %d blocks of the disk",
                    h.allocatedBlocks(), h.blockCount());
        }
    }

    private void checkLayout(VdiHeader h) {
        if (h.blockMapOffset() % VdiHeader.SECTOR != 0) {
            fail("block map offset (offBlocks) is %d, expected a multiple of 512", h.blockMapOffset());
        }
        if (h.blockMapOffset() < VdiHeader.PRE_HEADER_SIZE + h.headerSize()) {
            fail("block map offset (offBlocks) is %d, inside the header (which ends at %d)",
                    h.blockMapOffset(), VdiHeader.PRE_HEADER_SIZE + h.headerSize());
        }
        if (h.dataOffset() % VdiHeader.SECTOR != 0) {
            fail("data offset (offData) is %d, expected a multiple of 512", h.dataOffset());
        }
        long mapEnd = h.blockMapOffset() + h.blockCount() * 4;
        if (mapEnd > fileLength) {
            fail("block map (%d entries at offset %d) ends at byte %d, past the end of the %d-byte file",
                    h.blockCount(), h.blockMapOffset(), mapEnd, fileLength);
        }
        if (h.dataOffset() < mapEnd) {
            fail("data offset (offData) is %d, inside the block map (which ends at %d)", h.dataOffset(), mapEnd);
        }
        if (h.dataOffset() > fileLength) {
            fail("data offset (offData) is %d, past the end of the %d-byte file", h.dataOffset(), fileLength);
        }
        long dataEnd = h.blockOffset(h.allocatedBlocks());
        if (dataEnd > fileLength) {
            fail("%d allocated blocks need the file to be at least %d bytes, but it is %d bytes (truncated?)",
                    h.allocatedBlocks(), dataEnd, fileLength);
        }
    }

    private void checkIdentity(VdiHeader h, VdiImageType type) {
        if (h.id().equals(VdiUuids.NIL)) {
            fail("creation UUID (uuidCreate) is null, expected the image's UUID");
        }
        boolean hasLink = !h.linkageId().equals(VdiUuids.NIL);
        if (type == VdiImageType.DIFF && !hasLink) {
            fail("differencing image has a null parent UUID (uuidLinkage)");
        }
        if (type != VdiImageType.DIFF && hasLink) {
            fail("image of type %d names a parent (uuidLinkage %s), but only differencing images (type 4) may",
                    h.type(), h.linkageId());
        }
        if (type == VdiImageType.DIFF && h.linkageId().equals(h.id())) {
            fail("differencing image names itself (%s) as its parent", h.id());
        }
    }

    private void fail(String format, Object... args) {
        throw ImageFormatException.in("vdi", file, String.format(format, args));
    }
}

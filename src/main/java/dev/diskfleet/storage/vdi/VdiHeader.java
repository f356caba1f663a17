package dev.diskfleet.storage.vdi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The pre-header and version 1.1 header of a VDI file, as VirtualBox's {@code VDICore.h} lays them out.
 * Parsing does not validate; {@link VdiHeaderValidator} does, against the real file length.
 */
record VdiHeader(
        long signature,
        long version,
        long headerSize,
        int type,
        int flags,
        long blockMapOffset,
        long dataOffset,
        long legacySectorSize,
        long diskSize,
        long blockSize,
        long blockExtra,
        long blockCount,
        long allocatedBlocks,
        UUID id,
        UUID modificationId,
        UUID linkageId,
        UUID parentModificationId,
        byte[] sector) {

    static final int SIGNATURE = 0xBEDA107F;
    static final int VERSION_1_1 = 0x00010001;
    static final int PRE_HEADER_SIZE = 0x48;
    static final int HEADER_V1 = 0x180;
    static final int HEADER_V1_PLUS = 0x190;
    /** The header always occupies the first sector; QEMU reads it that way too. */
    static final int SECTOR = 512;
    static final String TEXT = "<<< Oracle VirtualBox Disk Image >>>\n";

    static final int OFF_SIGNATURE = 0x40;
    static final int OFF_VERSION = 0x44;
    static final int OFF_HEADER_SIZE = 0x48;
    static final int OFF_TYPE = 0x4C;
    static final int OFF_FLAGS = 0x50;
    static final int OFF_BLOCKS = 0x154;
    static final int OFF_DATA = 0x158;
    static final int OFF_GEOMETRY = 0x15C;
    static final int OFF_SECTOR_SIZE = 0x168;
    static final int OFF_DISK_SIZE = 0x170;
    static final int OFF_BLOCK_SIZE = 0x178;
    static final int OFF_BLOCK_EXTRA = 0x17C;
    static final int OFF_BLOCK_COUNT = 0x180;
    static final int OFF_ALLOCATED = 0x184;
    static final int OFF_UUID_CREATE = 0x188;
    static final int OFF_UUID_MODIFY = 0x198;
    static final int OFF_UUID_LINKAGE = 0x1A8;
    static final int OFF_UUID_PARENT_MODIFY = 0x1B8;
    static final int OFF_LCHS = 0x1C8;

    /** Parses the first sector ({@code sector} holds up to 512 bytes, zero-padded by the caller). */
    static VdiHeader parse(ByteBuffer sector) {
        ByteBuffer b = sector.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return new VdiHeader(
                u32(b, OFF_SIGNATURE), u32(b, OFF_VERSION), u32(b, OFF_HEADER_SIZE),
                b.getInt(OFF_TYPE), b.getInt(OFF_FLAGS),
                u32(b, OFF_BLOCKS), u32(b, OFF_DATA), u32(b, OFF_SECTOR_SIZE),
                b.getLong(OFF_DISK_SIZE), u32(b, OFF_BLOCK_SIZE), u32(b, OFF_BLOCK_EXTRA),
                u32(b, OFF_BLOCK_COUNT), u32(b, OFF_ALLOCATED),
                VdiUuids.read(b, OFF_UUID_CREATE), VdiUuids.read(b, OFF_UUID_MODIFY),
                VdiUuids.read(b, OFF_UUID_LINKAGE), VdiUuids.read(b, OFF_UUID_PARENT_MODIFY),
                copy(sector));
    }

    /** A header for a new file, with VirtualBox's banner and an empty comment and geometry. */
    static VdiHeader fresh(int type, long blockMapOffset, long dataOffset, long diskSize, long blockSize,
            long blockCount, long allocatedBlocks, UUID id, UUID linkageId, UUID parentModificationId) {
        byte[] sector = new byte[SECTOR];
        byte[] text = TEXT.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, sector, 0, text.length);
        return new VdiHeader(Integer.toUnsignedLong(SIGNATURE), VERSION_1_1, HEADER_V1_PLUS, type, 0,
                blockMapOffset, dataOffset, SECTOR, diskSize, blockSize, 0, blockCount, allocatedBlocks, id,
                UUID.randomUUID(), linkageId, parentModificationId, sector);
    }

    private static byte[] copy(ByteBuffer sector) {
        byte[] bytes = new byte[SECTOR];
        ByteBuffer src = sector.duplicate();
        src.get(bytes, 0, Math.min(SECTOR, src.remaining()));
        return bytes;
    }

    /**
     * Serialises into a 512-byte sector: the fields over the sector as it was read, so the banner, the
     * comment and the geometry another tool wrote survive our updates.
     */
    ByteBuffer toSector() {
        ByteBuffer b = ByteBuffer.wrap(sector.clone()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(OFF_SIGNATURE, (int) signature);
        b.putInt(OFF_VERSION, (int) version);
        b.putInt(OFF_HEADER_SIZE, (int) headerSize);
        b.putInt(OFF_TYPE, type);
        b.putInt(OFF_FLAGS, flags);
        b.putInt(OFF_BLOCKS, (int) blockMapOffset);
        b.putInt(OFF_DATA, (int) dataOffset);
        b.putInt(OFF_SECTOR_SIZE, (int) legacySectorSize);
        b.putLong(OFF_DISK_SIZE, diskSize);
        b.putInt(OFF_BLOCK_SIZE, (int) blockSize);
        b.putInt(OFF_BLOCK_EXTRA, (int) blockExtra);
        b.putInt(OFF_BLOCK_COUNT, (int) blockCount);
        b.putInt(OFF_ALLOCATED, (int) allocatedBlocks);
        VdiUuids.write(b, OFF_UUID_CREATE, id);
        VdiUuids.write(b, OFF_UUID_MODIFY, modificationId);
        VdiUuids.write(b, OFF_UUID_LINKAGE, linkageId);
        VdiUuids.write(b, OFF_UUID_PARENT_MODIFY, parentModificationId);
        return b.clear();
    }

    VdiHeader withAllocatedBlocks(long allocated) {
        return new VdiHeader(signature, version, headerSize, type, flags, blockMapOffset, dataOffset,
                legacySectorSize, diskSize, blockSize, blockExtra, blockCount, allocated, id, modificationId,
                linkageId, parentModificationId, sector);
    }

    VdiHeader withModificationId(UUID modification) {
        return new VdiHeader(signature, version, headerSize, type, flags, blockMapOffset, dataOffset,
                legacySectorSize, diskSize, blockSize, blockExtra, blockCount, allocatedBlocks, id, modification,
                linkageId, parentModificationId, sector);
    }

    VdiHeader withId(UUID newId) {
        return new VdiHeader(signature, version, headerSize, type, flags, blockMapOffset, dataOffset,
                legacySectorSize, diskSize, blockSize, blockExtra, blockCount, allocatedBlocks, newId,
                modificationId, linkageId, parentModificationId, sector);
    }

    VdiHeader withLinkage(UUID linkage, UUID parentModification) {
        return new VdiHeader(signature, version, headerSize, type, flags, blockMapOffset, dataOffset,
                legacySectorSize, diskSize, blockSize, blockExtra, blockCount, allocatedBlocks, id,
                modificationId, linkage, parentModification, sector);
    }

    VdiImageType imageType() {
        return VdiImageType.of(type);
    }

    /** File offset of data block {@code index}. */
    long blockOffset(long index) {
        return dataOffset + index * (blockSize + blockExtra) + blockExtra;
    }

    private static long u32(ByteBuffer b, int offset) {
        return Integer.toUnsignedLong(b.getInt(offset));
    }
}

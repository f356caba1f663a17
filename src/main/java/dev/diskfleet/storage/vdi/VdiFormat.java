package dev.diskfleet.storage.vdi;

import dev.diskfleet.storage.DirectWrites;
import dev.diskfleet.storage.FileIo;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.ImageFormat;
import dev.diskfleet.storage.ImageFormatException;
import dev.diskfleet.storage.ChainException;
import dev.diskfleet.storage.NewImage;
import dev.diskfleet.storage.StorageException;
import dev.diskfleet.storage.StorageLimits;
import dev.diskfleet.storage.Variant;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** The VDI driver: VirtualBox's native format, version 1.1. */
public final class VdiFormat implements ImageFormat {

    public static final int BLOCK_SIZE = 1 << 20;
    /** Data starts page-aligned: a 10 GiB differencing image is then 44 KiB, not VirtualBox's 1 MiB. */
    static final int DATA_ALIGNMENT = 4096;

    @Override
    public String name() {
        return "vdi";
    }

    @Override
    public boolean supportsDifferencing() {
        return true;
    }

    @Override
    public int probeOrder() {
        return 10;
    }

    @Override
    public boolean recognizes(ByteBuffer head) {
        return head.limit() >= VdiHeader.OFF_SIGNATURE + 4
                && head.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(VdiHeader.OFF_SIGNATURE) == VdiHeader.SIGNATURE;
    }

    @Override
    public ImageFile open(Path file, boolean writable) {
        return open(file, writable, StorageLimits.DEFAULT);
    }

    /** Refuses a disk beyond {@code limits} before its block map, which grows with the disk, is read. */
    @Override
    public ImageFile open(Path file, boolean writable, StorageLimits limits) {
        FileChannel channel = FileIo.open(file, writable
                ? new StandardOpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE}
                : new StandardOpenOption[] {StandardOpenOption.READ});
        try {
            VdiImage image = load(file, channel, writable, limits);
            image.repairInterruptedChange();
            return image;
        } catch (RuntimeException e) {
            FileIo.closeAfterFailure(channel, e);
            throw e;
        }
    }

    @Override
    public ImageFile create(Path file, NewImage spec) {
        long blocks = (spec.virtualSize() + BLOCK_SIZE - 1) / BLOCK_SIZE;
        if (blocks > VdiHeaderValidator.MAX_BLOCKS) {
            throw new StorageException("a VDI image holds at most " + VdiHeaderValidator.MAX_BLOCKS
                    + " MiB; " + spec.virtualSize() + " bytes is too large");
        }
        long mapOffset = VdiHeader.SECTOR;
        long dataOffset = align(mapOffset + blocks * 4, DATA_ALIGNMENT);
        VdiImageType type;
        UUID linkage = VdiUuids.NIL;
        UUID parentModification = VdiUuids.NIL;
        if (spec.parent() != null) {
            if (!(spec.parent() instanceof VdiImage parent)) {
                throw new ChainException("a VDI differencing image needs a VDI parent, not "
                        + spec.parent().format().name());
            }
            type = VdiImageType.DIFF;
            linkage = parent.id();
            parentModification = parent.modificationId();
        } else {
            type = spec.variant() == Variant.FIXED ? VdiImageType.FIXED : VdiImageType.NORMAL;
        }
        boolean fixed = type == VdiImageType.FIXED;
        VdiHeader header = VdiHeader.fresh(type.code, mapOffset, dataOffset, spec.virtualSize(), BLOCK_SIZE,
                blocks, fixed ? blocks : 0, spec.id(), linkage, parentModification);
        BlockMap map = fixed ? BlockMap.identity((int) blocks) : BlockMap.allFree((int) blocks);
        FileChannel channel = FileIo.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileIo.writeFully(channel, header.toSector(), 0, file);
            map.writeTo(channel, mapOffset, file);
            if (fixed) {
                // Preallocated, as VirtualBox's fixed images are: every block written (as zeros) now.
                FileIo.preallocate(channel, dataOffset, header.blockOffset(blocks), file);
            } else {
                FileIo.writeFully(channel, ByteBuffer.allocate(1), dataOffset - 1, file);
            }
            VdiImage image = new VdiImage(this, file, channel, header, map, true, false,
                    fixed ? DirectWrites.none(file) : DirectWrites.open(file));
            if (spec.parent() instanceof VdiImage parent) {
                parent.childRecordedModificationId();
            }
            return image;
        } catch (RuntimeException e) {
            FileIo.closeAfterFailure(channel, e);
            throw e;
        }
    }

    private VdiImage load(Path file, FileChannel channel, boolean writable, StorageLimits limits) {
        long length = FileIo.size(channel, file);
        int headerEnd = VdiHeader.PRE_HEADER_SIZE + VdiHeader.HEADER_V1;
        if (length < headerEnd) {
            throw ImageFormatException.in(name(), file, "file is " + length
                    + " bytes, too short for a VDI header (" + headerEnd + " bytes)");
        }
        ByteBuffer sector = ByteBuffer.allocate(VdiHeader.SECTOR);
        sector.limit((int) Math.min(VdiHeader.SECTOR, length));
        FileIo.readFully(channel, sector, 0, file);
        sector.clear();
        VdiHeader header = VdiHeader.parse(sector);
        new VdiHeaderValidator(file, length).validate(header);
        // The map has one entry per block of the disk and may be a sparse hole in the file: it is bounded by
        // the store's limit before it is allocated, and read in chunks rather than through one map-sized buffer.
        limits.checkVirtualSize(header.diskSize(), name(), file);
        int count = (int) header.blockCount();
        long blocksInFile = (length - header.dataOffset()) / (header.blockSize() + header.blockExtra());
        BlockMap map = BlockMap.read(channel, header.blockMapOffset(), count, header.allocatedBlocks(), blocksInFile,
                file);
        return new VdiImage(this, file, channel, header, map, writable, writable,
                DirectWrites.none(file));
    }



    private static long align(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }
}

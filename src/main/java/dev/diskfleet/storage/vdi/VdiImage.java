package dev.diskfleet.storage.vdi;

import dev.diskfleet.storage.ChainException;
import dev.diskfleet.storage.CheckReport;
import dev.diskfleet.storage.DirectWrites;
import dev.diskfleet.storage.FileIo;
import dev.diskfleet.storage.HostExtent;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.ImageFormat;
import dev.diskfleet.storage.ParentLink;
import dev.diskfleet.storage.StorageException;
import dev.diskfleet.storage.UnitState;
import dev.diskfleet.storage.Variant;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An open VDI file. Reads are lock-free positional reads; the single writer (see {@link ImageFile})
 * allocates blocks at the end of the data area in the crash-safe order: data block, then block map
 * entry, then the header's counter. A crash between two steps leaves either a block no entry points at
 * past the counter, which the next writable open cuts off, or an entry pointing at a complete block one
 * past the counter, which {@link BlockMap#read} accepts and the next writable open counts (see
 * {@link #repairInterruptedChange}).
 */
final class VdiImage implements ImageFile {

    private final VdiFormat format;
    private final Path file;
    private final FileChannel channel;
    private final BlockMap map;
    private final boolean writable;
    /** Force data to disk between the ordered steps of an allocation (off while building a temporary file). */
    private final boolean barriers;
    /** Data blocks of a file being built go past the page cache; a published file's go through it. */
    private final DirectWrites directData;
    private volatile VdiHeader header;
    /**
     * VirtualBox gives an image a new modification UUID on its first change after opening. Cleared again
     * when a child records the current one, so that the next change is one the child can notice.
     */
    private volatile boolean modificationIdRenewed;

    /** The in-memory block map, for tests of what it costs. */
    BlockMap blockMap() {
        return map;
    }

    VdiImage(VdiFormat format, Path file, FileChannel channel, VdiHeader header, BlockMap map,
            boolean writable, boolean barriers, DirectWrites directData) {
        this.format = format;
        this.directData = directData;
        this.file = file;
        this.channel = channel;
        this.header = header;
        this.map = map;
        this.writable = writable;
        this.barriers = barriers;
    }

    @Override
    public ImageFormat format() {
        return format;
    }

    @Override
    public UUID id() {
        return header.id();
    }

    UUID modificationId() {
        return header.modificationId();
    }

    @Override
    public long virtualSize() {
        return header.diskSize();
    }

    @Override
    public int unitSize() {
        return (int) header.blockSize();
    }

    @Override
    public Variant variant() {
        return header.imageType() == VdiImageType.FIXED ? Variant.FIXED : Variant.DYNAMIC;
    }

    @Override
    public Optional<ParentLink> parentLink() {
        return header.imageType() == VdiImageType.DIFF ? Optional.of(ParentLink.byId(header.linkageId()))
                : Optional.empty();
    }

    @Override
    public void verifyParent(ImageFile parent) {
        if (header.imageType() != VdiImageType.DIFF) {
            throw new ChainException("image " + id() + " is not a differencing image and has no parent");
        }
        if (!(parent instanceof VdiImage vdiParent)) {
            throw new ChainException("differencing VDI " + id() + " needs a VDI parent, got "
                    + parent.format().name() + " image " + parent.id());
        }
        if (!header.linkageId().equals(parent.id())) {
            throw new ChainException("image " + id() + " was made on parent " + header.linkageId()
                    + ", not on " + parent.id());
        }
        if (!header.parentModificationId().equals(vdiParent.modificationId())) {
            throw new ChainException("parent " + parent.id() + " has changed since differencing image " + id()
                    + " was made on it (modification UUID " + vdiParent.modificationId() + ", expected "
                    + header.parentModificationId() + ")");
        }
        if (parent.virtualSize() != virtualSize() || parent.unitSize() != unitSize()) {
            throw new ChainException("parent " + parent.id() + " has a different size or block size than its child "
                    + id());
        }
    }

    @Override
    public UnitState unitState(long unit) {
        return map.state(unit);
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        FileIo.readFully(channel, dst, hostOffset(offset), file);
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        beginChange();
        FileIo.writeFully(channel, src, hostOffset(offset), file);
    }

    @Override
    public void allocate(long unit, ByteBuffer src) {
        if (map.state(unit) == UnitState.DATA) {
            throw new IllegalStateException("block " + unit + " of " + id() + " is already allocated");
        }
        beginChange();
        VdiHeader h = header;
        long index = h.allocatedBlocks();
        directData.write(channel, src, h.blockOffset(index));
        barrier();
        writeMapEntry(unit, (int) index);
        map.set(unit, (int) index);
        barrier();
        writeHeader(h.withAllocatedBlocks(index + 1));
    }

    @Override
    public Optional<HostExtent> hostExtent(long offset, long length) {
        long block = offset / header.blockSize();
        if (map.state(block) != UnitState.DATA || (offset + length - 1) / header.blockSize() != block) {
            return Optional.empty();
        }
        return Optional.of(new HostExtent(channel, file, hostOffset(offset), length));
    }

    @Override
    public void markZero(long unit) {
        if (map.state(unit) == UnitState.DATA) {
            throw new IllegalStateException("block " + unit + " of " + id() + " holds data; overwrite it instead");
        }
        beginChange();
        writeMapEntry(unit, BlockMap.ZERO);
        map.set(unit, BlockMap.ZERO);
    }

    @Override
    public void discardAll() {
        if (header.imageType() == VdiImageType.FIXED) {
            throw new StorageException("fixed image " + id() + " cannot be emptied: its blocks are preallocated");
        }
        beginChange();
        map.clear();
        // Entries first, counter second, truncation last: a crash in between leaves only blocks no entry
        // references, which the next writable open cuts off (repairInterruptedChange).
        map.writeTo(channel, header.blockMapOffset(), file);
        barrier();
        writeHeader(header.withAllocatedBlocks(0));
        barrier();
        FileIo.truncate(channel, header.dataOffset(), file);
    }

    @Override
    public void reidentify(UUID newId) {
        beginChange();
        writeHeader(header.withId(newId));
    }

    /**
     * One header sector write: the linkage and parent-modification UUIDs name the new parent. The own
     * modification UUID is kept, since what this image reads is unchanged and its children recorded it.
     */
    @Override
    public void relinkParent(ImageFile newParent) {
        if (header.imageType() != VdiImageType.DIFF) {
            throw new ChainException("image " + id() + " is not a differencing image and has no parent to replace");
        }
        if (!(newParent instanceof VdiImage vdiParent)) {
            throw new ChainException("differencing VDI " + id() + " needs a VDI parent, got "
                    + newParent.format().name() + " image " + newParent.id());
        }
        if (newParent.virtualSize() != virtualSize() || newParent.unitSize() != unitSize()) {
            throw new ChainException("image " + newParent.id() + " has a different size or block size than "
                    + id() + ", so it cannot become its parent");
        }
        if (!writable) {
            throw new StorageException("image " + id() + " is open read-only");
        }
        barrier();
        writeHeader(header.withLinkage(newParent.id(), vdiParent.modificationId()));
        FileIo.force(channel, file);
        vdiParent.childRecordedModificationId();
    }

    @Override
    public void changeKeepingView(Runnable change) {
        boolean renewed = modificationIdRenewed;
        modificationIdRenewed = true;
        try {
            change.run();
        } finally {
            modificationIdRenewed = renewed;
        }
    }

    /** One header sector write, forced: from now on no child made before this call verifies against it. */
    @Override
    public void renewModificationStamp() {
        if (!writable) {
            throw new StorageException("image " + id() + " is open read-only");
        }
        writeHeader(header.withModificationId(UUID.randomUUID()));
        FileIo.force(channel, file);
        modificationIdRenewed = true;
    }

    @Override
    public CheckReport check() {
        VdiHeader h = header;
        List<String> corruptions = new ArrayList<>();
        long allocated = 0;
        long zero = 0;
        BitSet used = new BitSet();
        for (int i = 0; i < map.size(); i++) {
            int entry = map.get(i);
            if (entry == BlockMap.ZERO) {
                zero++;
            } else if (entry != BlockMap.FREE) {
                long index = Integer.toUnsignedLong(entry);
                allocated++;
                if (index >= h.allocatedBlocks()) {
                    corruptions.add("block " + i + " points at data block " + index + ", past the "
                            + h.allocatedBlocks() + " allocated");
                } else if (used.get((int) index)) {
                    corruptions.add("data block " + index + " is used by more than one entry (again by block " + i + ")");
                }
                used.set((int) Math.min(index, Integer.MAX_VALUE));
            }
        }
        long fileLength = FileIo.size(channel, file);
        long expectedEnd = h.blockOffset(h.allocatedBlocks());
        if (fileLength < expectedEnd) {
            corruptions.add("file is " + fileLength + " bytes, shorter than the " + expectedEnd
                    + " its allocated blocks need");
        }
        long leaked = Math.max(0, h.allocatedBlocks() - allocated)
                + Math.max(0, (fileLength - expectedEnd + h.blockSize() - 1) / h.blockSize());
        return new CheckReport(format.name(), map.size(), allocated, zero, map.size() - allocated - zero, leaked,
                corruptions);
    }

    @Override
    public long allocatedBytes() {
        return FileIo.size(channel, file);
    }

    @Override
    public void flush() {
        if (writable) {
            FileIo.force(channel, file);
        }
    }

    @Override
    public void close() {
        directData.close();
        FileIo.close(channel, file);
    }

    /**
     * A differencing child has just recorded {@link #modificationId()} as its parent-modification UUID:
     * the next change must renew it, or a write into this parent would go unnoticed by the child.
     */
    void childRecordedModificationId() {
        modificationIdRenewed = false;
    }

    /**
     * After opening: settles what a crash left at the end of the data area. An allocation interrupted after
     * its map entry gets its header count (read-only, in memory only). Opened writable, a dynamic image
     * also loses what no map entry references past its last referenced block: a block appended but never
     * entered (a kill between data and entry, whole or partly written) and blocks a reset freed but did not
     * cut off (entries written, count and truncation not). Only the count and the file's end move, never a
     * referenced block: the count is lowered to the highest referenced block plus one and forced before the
     * file is cut there, so a kill in between leaves a file the count still fits and the next open redoes it.
     */
    void repairInterruptedChange() {
        long referenced = map.referencedBlocks();
        if (referenced > header.allocatedBlocks()) {
            header = header.withAllocatedBlocks(referenced);
            if (writable) {
                writeHeader(header);
            }
        }
        if (!writable || header.imageType() == VdiImageType.FIXED) {
            return;
        }
        if (referenced < header.allocatedBlocks()) {
            writeHeader(header.withAllocatedBlocks(referenced));
        }
        long end = header.blockOffset(header.allocatedBlocks());
        if (FileIo.size(channel, file) > end) {
            FileIo.force(channel, file);
            FileIo.truncate(channel, end, file);
        }
    }

    private long hostOffset(long offset) {
        long block = offset / header.blockSize();
        long index = Integer.toUnsignedLong(map.get(block));
        return header.blockOffset(index) + offset % header.blockSize();
    }

    private void beginChange() {
        if (!writable) {
            throw new StorageException("image " + id() + " is open read-only");
        }
        if (!modificationIdRenewed) {
            modificationIdRenewed = true;
            writeHeader(header.withModificationId(UUID.randomUUID()));
        }
    }

    private void writeMapEntry(long block, int entry) {
        FileIo.writeFully(channel, map.encodeEntry(entry), header.blockMapOffset() + block * 4, file);
    }

    private void writeHeader(VdiHeader next) {
        FileIo.writeFully(channel, next.toSector(), 0, file);
        header = next;
    }

    private void barrier() {
        if (barriers) {
            FileIo.force(channel, file);
        }
    }
}

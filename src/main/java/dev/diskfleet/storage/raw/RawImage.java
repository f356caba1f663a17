package dev.diskfleet.storage.raw;

import dev.diskfleet.storage.ChainException;
import dev.diskfleet.storage.CheckReport;
import dev.diskfleet.storage.DirectWrites;
import dev.diskfleet.storage.FileIo;
import dev.diskfleet.storage.HostExtent;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.ImageFormat;
import dev.diskfleet.storage.ImageIds;
import dev.diskfleet.storage.ParentLink;
import dev.diskfleet.storage.StorageException;
import dev.diskfleet.storage.UnitState;
import dev.diskfleet.storage.Variant;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** An open raw file. Positional reads and writes are thread-safe on their own. */
final class RawImage implements ImageFile {

    private final RawFormat format;
    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final boolean writable;
    private final UUID id;
    /** Data of a file being built goes past the page cache; an opened file's goes through it. */
    private final DirectWrites directData;

    RawImage(RawFormat format, Path file, FileChannel channel, long size, boolean writable, DirectWrites directData) {
        this.format = format;
        this.file = file;
        this.channel = channel;
        this.size = size;
        this.writable = writable;
        this.id = ImageIds.fromFileName(file);
        this.directData = directData;
    }

    @Override
    public ImageFormat format() {
        return format;
    }

    @Override
    public UUID id() {
        return id;
    }

    @Override
    public long virtualSize() {
        return size;
    }

    @Override
    public int unitSize() {
        return RawFormat.UNIT;
    }

    @Override
    public Variant variant() {
        return Variant.DYNAMIC;
    }

    @Override
    public Optional<ParentLink> parentLink() {
        return Optional.empty();
    }

    @Override
    public void verifyParent(ImageFile parent) {
        throw new ChainException("raw image " + id + " cannot have a parent");
    }

    @Override
    public UnitState unitState(long unit) {
        return UnitState.DATA;
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        FileIo.readFully(channel, dst, offset, file);
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        if (!writable) {
            throw new StorageException("image " + id + " is open read-only");
        }
        directData.write(channel, src, offset);
    }

    @Override
    public void allocate(long unit, ByteBuffer src) {
        write(unit * RawFormat.UNIT, src.limit((int) Math.min(src.limit(), size - unit * RawFormat.UNIT)));
    }

    @Override
    public boolean acceptsHostExtents() {
        return true;
    }

    @Override
    public boolean allocateFrom(long firstUnit, HostExtent source) {
        if (!writable) {
            throw new StorageException("image " + id + " is open read-only");
        }
        source.transferTo(channel, firstUnit * RawFormat.UNIT, file);
        return true;
    }

    @Override
    public void markZero(long unit) {
        throw new UnsupportedOperationException("raw units are always data");
    }

    @Override
    public void discardAll() {
        throw new StorageException("raw image " + id + " is not a differencing image and cannot be reset");
    }

    @Override
    public CheckReport check() {
        return new CheckReport(format.name(), unitCount(), unitCount(), 0, 0, 0, List.of());
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
}

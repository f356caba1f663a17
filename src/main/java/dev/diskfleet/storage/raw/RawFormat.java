package dev.diskfleet.storage.raw;

import dev.diskfleet.storage.DirectWrites;
import dev.diskfleet.storage.FileIo;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.ImageFormat;
import dev.diskfleet.storage.ImageFormatException;
import dev.diskfleet.storage.NewImage;
import dev.diskfleet.storage.Variant;
import dev.diskfleet.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Raw images: the file is the virtual disk byte for byte. Every unit counts as data; holes in a sparse
 * file read as zeros, so a raw image is as sparse as the host file system lets it be.
 */
public final class RawFormat implements ImageFormat {

    static final int UNIT = 1 << 20;

    @Override
    public String name() {
        return "raw";
    }

    /** Raw has no magic: it takes whatever no other driver recognised, so it is probed last. */
    @Override
    public boolean recognizes(ByteBuffer head) {
        return true;
    }

    @Override
    public int probeOrder() {
        return Integer.MAX_VALUE;
    }

    @Override
    public boolean supportsDifferencing() {
        return false;
    }

    @Override
    public ImageFile open(Path file, boolean writable) {
        FileChannel channel = FileIo.open(file, writable ? new StandardOpenOption[] {StandardOpenOption.READ,
            StandardOpenOption.WRITE} : new StandardOpenOption[] {StandardOpenOption.READ});
        long size = FileIo.size(channel, file);
        if (size == 0) {
            FileIo.close(channel, file);
            throw ImageFormatException.in(name(), file, "raw image is empty (0 bytes)");
        }
        return new RawImage(this, file, channel, size, writable, DirectWrites.none(file));
    }

    @Override
    public ImageFile create(Path file, NewImage spec) {
        if (spec.parent() != null) {
            throw new StorageException("raw images cannot be differencing images; use vdi or qcow2");
        }
        FileChannel channel = FileIo.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        if (spec.variant() == Variant.FIXED) {
            FileIo.preallocate(channel, 0, spec.virtualSize(), file);
        } else {
            // One byte at the very end makes the file its full length; the rest stays a hole.
            FileIo.writeFully(channel, ByteBuffer.allocate(1), spec.virtualSize() - 1, file);
        }
        // A new file nobody reads yet: its data may go past the page cache, as a new VDI's or qcow2's does.
        return new RawImage(this, file, channel, spec.virtualSize(), true, DirectWrites.open(file));
    }

}

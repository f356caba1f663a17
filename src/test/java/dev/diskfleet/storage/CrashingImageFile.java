package dev.diskfleet.storage;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.UUID;

/**
 * A real image file that reports each change to {@link CrashPoints} before making it. The driver sees only
 * its own files: parents are unwrapped before they reach it.
 */
final class CrashingImageFile implements ImageFile {

    private final ImageFormat format;
    private final ImageFile file;
    private final CrashPoints crashes;

    CrashingImageFile(ImageFormat format, ImageFile file, CrashPoints crashes) {
        this.format = format;
        this.file = file;
        this.crashes = crashes;
    }

    static ImageFile unwrap(ImageFile image) {
        return image instanceof CrashingImageFile crashing ? crashing.file : image;
    }

    @Override
    public ImageFormat format() {
        return format;
    }

    @Override
    public UUID id() {
        return file.id();
    }

    @Override
    public long virtualSize() {
        return file.virtualSize();
    }

    @Override
    public int unitSize() {
        return file.unitSize();
    }

    @Override
    public Variant variant() {
        return file.variant();
    }

    @Override
    public Optional<ParentLink> parentLink() {
        return file.parentLink();
    }

    @Override
    public void verifyParent(ImageFile parent) {
        file.verifyParent(unwrap(parent));
    }

    @Override
    public UnitState unitState(long unit) {
        return file.unitState(unit);
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        file.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        crashes.step("write at " + offset + " into " + id());
        file.write(offset, src);
    }

    @Override
    public void allocate(long unit, ByteBuffer src) {
        crashes.step("allocating unit " + unit + " of " + id());
        file.allocate(unit, src);
    }

    @Override
    public void markZero(long unit) {
        crashes.step("marking unit " + unit + " of " + id() + " zero");
        file.markZero(unit);
    }

    @Override
    public void discardAll() {
        crashes.step("emptying " + id());
        file.discardAll();
    }

    @Override
    public CheckReport check() {
        return file.check();
    }

    @Override
    public void relinkParent(ImageFile newParent) {
        crashes.step("relinking " + id() + " to " + newParent.id());
        file.relinkParent(unwrap(newParent));
    }

    @Override
    public void changeKeepingView(Runnable change) {
        file.changeKeepingView(change);
    }

    @Override
    public void deferringMetadata(Runnable writes) {
        file.deferringMetadata(writes);
    }

    @Override
    public void renewModificationStamp() {
        crashes.step("renewing the modification stamp of " + id());
        file.renewModificationStamp();
    }

    @Override
    public void reidentify(UUID newId) {
        crashes.step("reidentifying " + id());
        file.reidentify(newId);
    }

    @Override
    public long allocatedBytes() {
        return file.allocatedBytes();
    }

    @Override
    public void flush() {
        crashes.step("flushing " + id());
        file.flush();
        crashes.flushed();
    }

    @Override
    public void close() {
        file.close();
    }
}

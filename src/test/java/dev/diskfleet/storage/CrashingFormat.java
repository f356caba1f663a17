package dev.diskfleet.storage;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/** A driver whose files report every change to {@link CrashPoints} first (a test double around a real driver). */
final class CrashingFormat implements ImageFormat {

    private final ImageFormat driver;
    private final CrashPoints crashes;

    CrashingFormat(ImageFormat driver, CrashPoints crashes) {
        this.driver = driver;
        this.crashes = crashes;
    }

    @Override
    public String name() {
        return driver.name();
    }

    @Override
    public boolean recognizes(ByteBuffer head) {
        return driver.recognizes(head);
    }

    @Override
    public int probeOrder() {
        return driver.probeOrder();
    }

    @Override
    public ImageFile open(Path file, boolean writable) {
        return new CrashingImageFile(this, driver.open(file, writable), crashes);
    }

    @Override
    public ImageFile create(Path file, NewImage spec) {
        NewImage unwrapped = new NewImage(spec.id(), spec.virtualSize(), spec.variant(),
                spec.parent() == null ? null : CrashingImageFile.unwrap(spec.parent()));
        return new CrashingImageFile(this, driver.create(file, unwrapped), crashes);
    }

    @Override
    public boolean supportsDifferencing() {
        return driver.supportsDifferencing();
    }

    @Override
    public boolean supportsVariant(Variant variant) {
        return driver.supportsVariant(variant);
    }
}

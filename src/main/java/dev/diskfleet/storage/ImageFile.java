package dev.diskfleet.storage;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.UUID;

/**
 * One open image file: a single layer of a chain. Offsets are virtual-disk byte offsets. Each data call
 * stays inside one allocation unit; {@link Chain} splits requests and decides where bytes come from.
 *
 * <p>Concurrency model, shared by every driver: any number of threads may call the read methods at once
 * while at most one thread calls the mutating methods (the caller serialises writers; {@link Chain}
 * does so with its write lock). Drivers publish a newly allocated unit only after its data is stored,
 * so a concurrent reader sees either the old state or the complete new unit.
 */
public interface ImageFile extends Closeable {

    ImageFormat format();

    /** The image's identity: the UUID in its header (VDI), or the one it was created with. */
    UUID id();

    long virtualSize();

    int unitSize();

    default long unitCount() {
        return (virtualSize() + unitSize() - 1) / unitSize();
    }

    Variant variant();

    /** The parent this file names, when it is a differencing image. */
    Optional<ParentLink> parentLink();

    /**
     * Refuses a parent that is not the one this image was made on (or was changed since).
     *
     * @throws ChainException naming both sides of the broken link
     */
    void verifyParent(ImageFile parent);

    UnitState unitState(long unit);

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset}, all inside one unit in state {@link UnitState#DATA},
     * or inside a run that {@link #dataRun} offered.
     */
    void read(long offset, ByteBuffer dst);

    /**
     * How many bytes from {@code offset}, in a unit in state {@link UnitState#DATA}, one {@link #read} may
     * take, at most {@code maxLength}: the rest of the unit, or more where the driver stores the next units
     * right after it on the host, so that a long read is one system call.
     */
    default long dataRun(long offset, long maxLength) {
        return Math.min(maxLength, (offset / unitSize() + 1) * unitSize() - offset);
    }

    /** Overwrites bytes in place, all inside one unit in state {@link UnitState#DATA}. */
    void write(long offset, ByteBuffer src);

    /**
     * Stores a whole unit that the file does not hold yet ({@code src.remaining() == unitSize()}). The
     * data is stored before the unit is published in the file's tables.
     */
    void allocate(long unit, ByteBuffer src);

    /**
     * Where the {@code length} bytes at {@code offset} lie in the host file, when they are one plain run
     * of data this file holds ({@link #dataRun} covers them); empty when they are not, or when the driver
     * does not say.
     */
    default Optional<HostExtent> hostExtent(long offset, long length) {
        return Optional.empty();
    }

    /**
     * Whether a copy into this file should hand it {@link HostExtent}s ({@link #allocateFrom}) rather than
     * bytes. Only raw files say yes: into a raw export it saves a copy of every byte, while into a VDI or
     * qcow2 clone (flushed before it is published) it cost more CPU and time than reading and writing on
     * the bench machine (docs/benchmarks.md).
     */
    default boolean acceptsHostExtents() {
        return false;
    }

    /**
     * Stores whole units the file does not hold yet from another file's host bytes, as {@link #allocateRun}
     * would store them from a buffer, letting the kernel move the bytes. Returns false, having changed
     * nothing, where the driver cannot (the caller then reads and writes the bytes itself).
     */
    default boolean allocateFrom(long firstUnit, HostExtent source) {
        return false;
    }

    /**
     * Stores consecutive whole units that the file does not hold yet ({@code src.remaining()} is a multiple
     * of {@link #unitSize()}), each as {@link #allocate} would. Drivers may store a run with fewer requests,
     * in the same crash-safe order.
     */
    default void allocateRun(long firstUnit, ByteBuffer src) {
        int units = src.remaining() / unitSize();
        for (int i = 0; i < units; i++) {
            allocate(firstUnit + i, src.slice(src.position() + i * unitSize(), unitSize()));
        }
    }

    /** Records a unit as zeros without storing data; it then no longer falls through to a parent. */
    void markZero(long unit);

    /** Forgets every unit (autoreset): the file keeps its identity and parent link. */
    void discardAll();

    CheckReport check();

    /**
     * Points this differencing image at another parent (removing the image between them from a chain).
     * The caller guarantees the view stays the same: every unit this image lacks reads the same through
     * {@code newParent} as through the old parent. Afterwards {@link #verifyParent(ImageFile) verifyParent}
     * accepts {@code newParent}.
     *
     * @throws ChainException when this image has no parent or cannot name {@code newParent}
     */
    default void relinkParent(ImageFile newParent) {
        throw new ChainException(format().name() + " image " + id() + " cannot be relinked to another parent");
    }

    /**
     * Runs changes that no child of this image can see: a forward merge copies into this image units it
     * read through from its parent anyway, and a merge of this image's only child into it writes units
     * that child holds itself. Formats that stamp every change so that children notice it (VDI's
     * modification UUID) keep the stamp here, so the children built on this image stay valid throughout.
     */
    default void changeKeepingView(Runnable change) {
        change.run();
    }

    /**
     * Runs writes (the caller holds this image's monitor, as for every change) whose new units may be
     * published in memory only, their metadata written at the next {@link #flush()} (or earlier, at the
     * driver's choice): write-back for a guest-facing writer that flushes when the guest asks, as QEMU's
     * cache=writeback does. Readers see the writes at once. A crash before the flush may lose them, never
     * expose another unit's bytes. Drivers without such a mode run the writes as usual (durable order).
     */
    default void deferringMetadata(Runnable writes) {
        writes.run();
    }

    /**
     * Marks this image as changed for any differencing image made on it before (VDI renews its modification
     * UUID, so such a child then fails {@link #verifyParent}). A merge into this image keeps the stamp until it
     * is complete and its child is gone, so that an interrupted merge can be re-run, then calls this. Formats
     * without such a stamp do nothing.
     */
    default void renewModificationStamp() {
    }

    /**
     * Gives an imported file a new identity where the format stores one (VDI's creation UUID, as
     * {@code VBoxManage internalcommands sethduuid} does). Formats without an identity field take it from
     * the file name and do nothing here.
     */
    default void reidentify(UUID newId) {
    }

    /** Bytes the file occupies on the host. */
    long allocatedBytes();

    /** Forces everything written so far to stable storage. */
    void flush();

    @Override
    void close();
}

package dev.diskfleet.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A folder of image files, each named {@code <uuid>.<format>}, and every whole-image operation on them.
 * This is the storage component's front door: callers speak in image UUIDs, never in paths or handles.
 * Two methods are the exceptions, each for the one engine that must have more: {@link #fileForHypervisor}
 * (QEMU opens the file itself) and {@link #chainForNbdExport} (the NBD server does guest I/O on the chain);
 * the architecture test lets nothing else call them.
 *
 * <p>Files become visible under their final name only when complete: they are built as hidden
 * {@code .*.tmp} files, forced to disk and renamed atomically. Open files are kept and shared, so every
 * reader and the single writer of an image see the same block tables.
 */
public final class ImageStore implements Closeable {

    private static final int COPY_CHUNK = 1 << 20;

    private final Path root;
    private final StorageLimits limits;
    private final OpenImages images;
    private final Publisher publisher;
    private final Uploads uploads;

    /**
     * @param formats the drivers, in probe order: the first whose {@link ImageFormat#recognizes} accepts an
     *     upload's first bytes takes it (so a format that recognises anything, like raw, belongs last)
     */
    public ImageStore(Path root, List<ImageFormat> formats) {
        this(root, formats, StorageLimits.DEFAULT);
    }

    /**
     * @param limits bounds every image created, opened or imported here must keep; a file beyond them is
     *     refused with a {@link VirtualSizeLimitException} before its tables are read
     */
    public ImageStore(Path root, List<ImageFormat> formats, StorageLimits limits) {
        this.root = root.toAbsolutePath().normalize();
        this.limits = limits;
        this.images = new OpenImages(this.root, formats, limits);
        try {
            PrivateFiles.createFolder(this.root);
        } catch (IOException e) {
            throw FileIo.ioFailure("create the storage root", this.root, e);
        }
        this.publisher = new Publisher(this.root, images);
        this.uploads = new Uploads(images.formats(), publisher, limits);
    }

    /** A store over every driver registered on the class path ({@link ImageFormats#installed()}). */
    public static ImageStore withDefaultFormats(Path root) {
        return withDefaultFormats(root, StorageLimits.DEFAULT);
    }

    /** The same, bounded by {@code limits}. */
    public static ImageStore withDefaultFormats(Path root, StorageLimits limits) {
        return new ImageStore(root, ImageFormats.installed(), limits);
    }

    public StorageLimits limits() {
        return limits;
    }

    /** Bytes free for this process on the volume that holds the images. */
    public long usableBytes() throws IOException {
        return Files.getFileStore(root).getUsableSpace();
    }

    /** What a format offers (differencing images, variants), for rules that ask before anything is made. */
    public FormatSupport formatSupport(String name) {
        return FormatSupport.of(format(name));
    }

    ImageFormat format(String name) {
        return images.format(name);
    }

    public List<String> formatNames() {
        return images.formatNames();
    }

    // ---- creating ----------------------------------------------------------------------------------

    public ImageSummary create(UUID id, String formatName, long virtualSize, Variant variant) {
        limits.checkVirtualSize(virtualSize, formatName, null);
        ImageFormat format = format(formatName);
        return publisher.publish(id, format, temp -> format.create(temp, NewImage.base(id, virtualSize, variant)));
    }

    /** A differencing image on {@code parentId}, in the parent's format: a guest's own disk over a shared one. */
    public ImageSummary createDifferencing(UUID id, UUID parentId) {
        ImageFile parent = differencingParent(parentId);
        ImageFormat format = parent.format();
        return publisher.publish(id, format, temp -> format.create(temp, NewImage.differencing(id, parent)));
    }

    /**
     * Differencing images on {@code parentId} for every id, all or none: each is built and forced under
     * its temporary name as {@link #createDifferencing(UUID, UUID)} does, renamed into place only when
     * every one is complete, and the folder is forced once for the whole batch. The forces run from
     * several threads at once so that the file system can commit them in one journal transaction. If
     * anything fails, every file of the batch is removed again and the failure is thrown.
     */
    public List<ImageSummary> createDifferencing(List<UUID> ids, UUID parentId) {
        if (ids.isEmpty()) {
            return List.of();
        }
        if (Set.copyOf(ids).size() != ids.size()) {
            throw new StorageException("a batch of differencing images names one UUID twice");
        }
        ImageFile parent = differencingParent(parentId);
        ImageFormat format = parent.format();
        return publisher.publishAll(ids, format, id -> temp -> format.create(temp, NewImage.differencing(id, parent)));
    }

    /** The parent's handle, once its format allows differencing images and its chain is sound. */
    private ImageFile differencingParent(UUID parentId) {
        ImageFile parent = handle(parentId);
        ImageFormat format = parent.format();
        if (!format.supportsDifferencing()) {
            throw new StorageException(format.name() + " image " + parentId
                    + " cannot have differencing images; clone it to vdi or qcow2 first");
        }
        chain(parentId);
        return parent;
    }

    /**
     * A full, independent copy with a new UUID: the chain flattened, only allocated data copied (what
     * reads as zeros stays unallocated).
     */
    public ImageSummary clone(UUID sourceId, UUID targetId, String formatName, Variant variant, Progress progress) {
        Chain source = chain(sourceId);
        ImageFormat format = format(formatName);
        return publisher.publish(targetId, format, temp -> {
            ImageFile target = format.create(temp, NewImage.base(targetId, source.virtualSize(), variant));
            try {
                AllocatedCopy.copy(source, new Chain(List.of(target)), progress);
                return target;
            } catch (RuntimeException e) {
                target.close();
                throw e;
            }
        });
    }

    /**
     * Stores an uploaded image: streamed to a hidden file, its format detected from the first bytes,
     * validated by its driver and given the new UUID. A malformed upload, one that names a parent or a
     * backing file (those are ours to set), one larger than {@link #limits()} allow, or one whose tables a
     * check finds inconsistent ({@link CheckReport#corruptions()}: shared or overlapping clusters, refcounts
     * below the references) is refused with an {@link ImageFormatException} and leaves nothing behind.
     */
    public ImageSummary importImage(UUID id, InputStream in) {
        return uploads.importImage(id, in, () -> { });
    }

    /**
     * {@link #importImage}, with one more check once the whole stream is in a hidden file and before anything
     * judges or publishes it: a copy from another node is checked against the sender's digest here. When
     * {@code received} throws, the hidden file goes and the exception reaches the caller as it is.
     */
    public ImageSummary importImage(UUID id, InputStream in, Runnable received) {
        return uploads.importImage(id, in, received);
    }

    /**
     * Streams the image's file exactly as it is stored (its header, tables and data, not the virtual disk),
     * for another node to store a byte-identical copy. Only an image nothing writes (an immutable one) gives
     * the same bytes twice.
     */
    public void streamFile(UUID id, OutputStream out) throws IOException {
        Files.copy(storedFile(id), out);
    }

    /** The length of the image's file in bytes, as {@link #streamFile} sends it. */
    public long fileLength(UUID id) {
        Path file = storedFile(id);
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw FileIo.ioFailure("stat", file, e);
        }
    }

    // ---- guest I/O ---------------------------------------------------------------------------------

    public void read(UUID id, long offset, ByteBuffer dst) {
        chain(id).read(offset, dst);
    }

    public void write(UUID id, long offset, ByteBuffer src) {
        Chain chain = chain(id);
        chain.write(offset, src);
        chain.flush();
    }

    /** Streams {@code length} bytes of the virtual disk from {@code offset}, the chain flattened. */
    public void streamRaw(UUID id, long offset, long length, OutputStream out) throws IOException {
        Chain chain = chain(id);
        if (offset < 0 || length < 0 || offset > chain.virtualSize() - length) {
            throw new StorageException("range " + offset + "+" + length + " is outside the "
                    + chain.virtualSize() + "-byte disk");
        }
        ByteBuffer buf = ByteBuffer.allocate(COPY_CHUNK);
        byte[] zeros = new byte[COPY_CHUNK];
        long end = offset + length;
        for (long pos = offset; pos < end; pos += COPY_CHUNK) {
            int chunk = (int) Math.min(COPY_CHUNK, end - pos);
            // A stream has no holes: what the chain does not hold is sent as zeros, without reading it.
            if (!chain.holdsAnything(pos, chunk)) {
                out.write(zeros, 0, chunk);
                continue;
            }
            buf.clear().limit(chunk);
            chain.read(pos, buf);
            out.write(buf.array(), 0, chunk);
        }
    }

    /** Streams a standalone image file of the flattened disk in {@code formatName}, built in a hidden file. */
    public void export(UUID id, String formatName, OutputStream out) throws IOException {
        if (formatName.equals("raw")) {
            streamRaw(id, 0, describe(id).virtualSize(), out);
            return;
        }
        Path temp = publisher.hidden(UUID.randomUUID() + ".export");
        try {
            export(id, formatName, temp);
            Files.copy(temp, out);
        } finally {
            Publisher.deleteQuietly(temp);
        }
    }

    /**
     * Writes a standalone image file of the flattened disk in {@code formatName} to {@code target}, which
     * must not exist. Only what the chain holds is read and written: a raw file keeps a hole wherever the
     * disk reads as zeros, as {@code qemu-img convert -O raw} leaves one. It is the caller's copy, not one of
     * the store's images, so it is not forced to disk.
     */
    public void export(UUID id, String formatName, Path target) {
        ImageFormat format = format(formatName);
        Chain source = chain(id);
        try (ImageFile file = format.create(target, NewImage.base(source.top().id(), source.virtualSize(),
                Variant.DYNAMIC))) {
            AllocatedCopy.copy(source, new Chain(List.of(file)), Progress.NONE);
        }
    }

    // ---- whole-image operations -------------------------------------------------------------------

    /** Empties a differencing image (autoreset): it then reads exactly as its parent. */
    public void reset(UUID id) {
        Chain chain = chain(id);
        if (chain.depth() < 2) {
            throw new StorageException("image " + id + " is not a differencing image; only those can be reset");
        }
        chain.resetTop();
        chain.flush();
    }

    /**
     * Merges a differencing image into its parent and deletes it; returns the parent's UUID. The two steps
     * of {@link #mergeIntoParentKeepingChild} and {@link #deleteMergedChild}, for callers that keep no
     * record naming the child.
     */
    public UUID mergeIntoParent(UUID childId) {
        UUID parentId = mergeIntoParentKeepingChild(childId);
        deleteMergedChild(childId, parentId);
        return parentId;
    }

    /**
     * Copies everything a differencing image holds into its parent and returns the parent's UUID; the
     * child's file stays, so the caller can remove the rows naming it first and then call
     * {@link #deleteMergedChild}. At every point the child still verifies against its parent and reads as
     * before, so after an interruption (even a kill) calling this again completes the merge.
     */
    public UUID mergeIntoParentKeepingChild(UUID childId) {
        Chain chain = chain(childId);
        if (chain.depth() < 2) {
            throw new StorageException("image " + childId + " has no parent to merge into");
        }
        chain.mergeTopIntoParent();
        return chain.layers().get(1).id();
    }

    /**
     * Finishes a merge: deletes the merged child's file (if still there), then renews the parent's
     * modification stamp, since its content changed. Safe to call again after an interruption.
     */
    public void deleteMergedChild(UUID childId, UUID parentId) {
        delete(childId);
        ImageFile parent = handle(parentId);
        synchronized (parent) {
            parent.renewModificationStamp();
        }
    }

    /**
     * Takes {@code middleId}, the parent of {@code childId}, out of the child's chain (a forward merge, for
     * deleting a snapshot whose medium has newer snapshots on top): what the middle holds and the child
     * lacks is copied into the child, then the child is relinked to the middle's parent. The child reads
     * exactly as before at every step, so a crash anywhere leaves it intact and its children valid. The
     * middle file is left as it was for the caller to delete once nothing names it (the service deletes it
     * after its rows are committed); calling again after the relink is a no-op.
     *
     * @throws ChainException when {@code middleId} is not the child's parent, or is a base image (the child
     *     would have to become a base: a full flatten, which this does not do)
     */
    public void bypassParent(UUID childId, UUID middleId) {
        List<ImageFile> layers = layers(childId);
        if (layers.size() > 1 && !layers.get(1).id().equals(middleId)) {
            List<ImageFile> middleLayers = layers(middleId);
            if (middleLayers.size() > 1 && middleLayers.get(1).id().equals(layers.get(1).id())) {
                return;
            }
        }
        if (layers.size() < 2 || !layers.get(1).id().equals(middleId)) {
            throw new ChainException("image " + middleId + " is not the parent of image " + childId);
        }
        if (layers.size() < 3) {
            throw new ChainException("image " + middleId + " is a base image: taking it out from under " + childId
                    + " would make " + childId + " a base holding every unit, which is not done here");
        }
        ImageFile child = layers.get(0);
        ImageFile middle = layers.get(1);
        if (!child.format().equals(middle.format()) || child.virtualSize() != middle.virtualSize()) {
            throw new ChainException("image " + childId + " and its parent " + middleId
                    + " differ in format or size, so they cannot be merged");
        }
        Chain chain = new Chain(layers);
        chain.mergeParentIntoTop();
        synchronized (child) {
            child.relinkParent(layers.get(2));
        }
    }

    /**
     * Merges {@code childId} into its parent and relinks the child's own children ({@code grandchildIds},
     * which the store cannot know) to that parent: deleting a snapshot that froze an image which must keep
     * its identity (the image a machine's disk is attached as) while newer snapshots sit on the child. The
     * parent keeps its VDI modification UUID during the merge: its only child still covers every unit it
     * writes, so the child and the grandchildren read the same at every step and a crash leaves them
     * intact. The child file is left for the caller to delete once nothing names it; calling again after
     * some grandchildren were relinked completes the work.
     *
     * @throws ChainException when a grandchild is built on neither the child nor its parent
     */
    public void mergeIntoParentRelinking(UUID childId, List<UUID> grandchildIds) {
        Chain chain = chain(childId);
        if (chain.depth() < 2) {
            throw new StorageException("image " + childId + " has no parent to merge into");
        }
        ImageFile parent = chain.layers().get(1);
        List<ImageFile> toRelink = new ArrayList<>();
        for (UUID grandchildId : grandchildIds) {
            List<ImageFile> grandLayers = layers(grandchildId);
            UUID below = grandLayers.size() > 1 ? grandLayers.get(1).id() : null;
            if (parent.id().equals(below)) {
                continue;
            }
            if (!childId.equals(below)) {
                throw new ChainException("image " + grandchildId + " is not a child of image " + childId);
            }
            toRelink.add(grandLayers.get(0));
        }
        synchronized (parent) {
            parent.changeKeepingView(chain::mergeTopIntoParent);
        }
        for (ImageFile grandchild : toRelink) {
            synchronized (grandchild) {
                grandchild.relinkParent(parent);
            }
        }
    }

    public CheckReport check(UUID id) {
        return handle(id).check();
    }

    public ImageSummary describe(UUID id) {
        List<ImageFile> layers = layers(id);
        ImageFile top = layers.get(0);
        UUID parent = layers.size() > 1 ? layers.get(1).id() : null;
        return new ImageSummary(top.id(), top.format().name(), top.variant(), top.virtualSize(),
                top.allocatedBytes(), parent, layers.size());
    }

    /** Top first: the image and every ancestor down to its base. */
    public List<UUID> lineage(UUID id) {
        return layers(id).stream().map(ImageFile::id).toList();
    }

    /**
     * The image's file, for a hypervisor that opens it itself (QEMU opens a qcow2 overlay and its backing
     * chain, or a raw file, directly): the one path the store hands out, because QEMU must be given one.
     * Only the code that describes a guest's disks to the hypervisor may call it. Nothing in this process
     * may touch the file while the guest runs: see {@link #release}.
     */
    public Path fileForHypervisor(UUID id) {
        return storedFile(id);
    }

    private Path storedFile(UUID id) {
        Path file = images.locate(id);
        if (file == null) {
            throw new ImageNotFoundException(id);
        }
        return file;
    }

    /**
     * Closes the image's open handle, if any, so that the next use reads the file afresh: called before and
     * after another program (a guest's QEMU) writes the file, since a handle kept open across those writes
     * would hold stale block tables and would corrupt the file with its next write.
     */
    public void release(UUID id) {
        images.release(id);
    }

    /**
     * The bytes an image holds, for listings, without opening its file: an open image's own figure (as
     * {@link #describe} gives), else its file's length, which counts its tables too. A listing of thousands
     * of images, or of one crafted to have huge tables, thus costs a stat per file and no memory.
     */
    public long storedBytes(UUID id) {
        return images.ifOpen(id).map(ImageFile::allocatedBytes).orElseGet(() -> {
            Path file = images.locate(id);
            if (file == null) {
                throw new ImageNotFoundException(id);
            }
            try {
                return Files.size(file);
            } catch (IOException e) {
                throw FileIo.ioFailure("stat", file, e);
            }
        });
    }

    /** Whether the image's file is open in this store (a listing leaves it closed). */
    boolean isOpen(UUID id) {
        return images.ifOpen(id).isPresent();
    }

    public boolean exists(UUID id) {
        return images.exists(id);
    }

    public void delete(UUID id) {
        images.delete(id);
    }

    /** UUIDs of every published image file in the root. */
    public Set<UUID> listImageIds() {
        return images.listImageIds();
    }

    /**
     * Image files whose UUID is not in {@code known} (the ids the caller's records own), by file name, sorted
     * by it. A file gone since the listing is still named, by its UUID, with no format and no bytes.
     */
    public List<UnownedFile> unownedFiles(Set<UUID> known) {
        List<UnownedFile> unowned = new ArrayList<>();
        for (UUID id : listImageIds()) {
            if (!known.contains(id)) {
                unowned.add(unownedFile(id));
            }
        }
        unowned.sort(Comparator.comparing(UnownedFile::fileName));
        return unowned;
    }

    private UnownedFile unownedFile(UUID id) {
        for (String format : formatNames()) {
            Path file = root.resolve(id + "." + format);
            try {
                return new UnownedFile(id, file.getFileName().toString(), format, Files.size(file));
            } catch (IOException e) {
                // not this format's file (or gone since the listing): try the next name
            }
        }
        return new UnownedFile(id, id.toString(), null, 0);
    }

    /**
     * Deletes an image file by the name {@link #unownedFiles} gave it; a name that is not an image file of
     * this store ({@code <uuid>.<format>}) is refused, so no name can reach outside it.
     */
    public void deleteUnownedFile(String fileName) {
        int dot = fileName.lastIndexOf('.');
        UUID id;
        try {
            id = dot > 0 ? UUID.fromString(fileName.substring(0, dot)) : null;
        } catch (IllegalArgumentException e) {
            id = null;
        }
        if (id == null || !formatNames().contains(fileName.substring(dot + 1))
                || !fileName.equals(id + fileName.substring(dot))) {
            throw new StorageException("'" + fileName + "' is not the name of an image file in this store");
        }
        delete(id);
    }

    /** Deletes hidden temporary files a crash left behind; returns the names of those it removed. */
    public List<String> removeTemporaryFiles() {
        return publisher.removeTemporaryFiles().stream().map(file -> file.getFileName().toString()).toList();
    }

    @Override
    public void close() {
        images.close();
    }

    /** For log lines: where the images are, which an operator looks at when one goes missing. */
    @Override
    public String toString() {
        return "image store in " + root;
    }

    // ---- internals ---------------------------------------------------------------------------------

    /**
     * The image's chain for long-lived guest I/O by the NBD server: reads go through every layer, writes
     * copy-on-write into the top, exactly as {@link #read} and {@link #write} do, but without a forced
     * flush per write (call {@link Chain#flush()}), and the server reports the allocation of each layer, so
     * it needs the layers themselves. Only the code that starts NBD exports may call it. The chain shares
     * the store's open files: never close it; closing the store closes them.
     */
    public Chain chainForNbdExport(UUID id) {
        return chain(id);
    }

    Chain chain(UUID id) {
        return images.chain(id);
    }

    private List<ImageFile> layers(UUID id) {
        return images.layers(id);
    }

    private ImageFile handle(UUID id) {
        return images.handle(id);
    }
}

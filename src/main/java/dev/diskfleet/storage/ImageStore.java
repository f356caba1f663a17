package dev.diskfleet.storage;

import dev.diskfleet.storage.qcow2.Qcow2Format;
import dev.diskfleet.storage.raw.RawFormat;
import dev.diskfleet.storage.vdi.VdiFormat;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * A folder of image files, each named {@code <uuid>.<format>}, and every whole-image operation on them.
 * This is the storage component's front door: callers speak in image UUIDs, never in paths or handles.
 *
 * <p>Files become visible under their final name only when complete: they are built as hidden
 * {@code .*.tmp} files, forced to disk and renamed atomically. Open files are kept and shared, so every
 * reader and the single writer of an image see the same block tables.
 */
public final class ImageStore implements Closeable {

    /** Deeper chains are refused: a guard against loops and against stack depth in chain reads. */
    public static final int MAX_CHAIN_DEPTH = 64;
    private static final int COPY_CHUNK = 1 << 20;
    private static final String TEMP_SUFFIX = ".tmp";
    /** How many forces of a batch are in flight at once: enough for the journal to group them. */
    private static final int BATCH_THREADS = 16;

    private final Path root;
    private final List<ImageFormat> formats;
    private final ImageFormat fallback;
    private final Map<UUID, ImageFile> open = new ConcurrentHashMap<>();

    /**
     * @param formats the drivers; the first whose {@link ImageFormat#recognizes} accepts an upload's
     *     first bytes wins, and the one named {@code raw} takes what none recognises
     */
    public ImageStore(Path root, List<ImageFormat> formats) {
        this.root = root.toAbsolutePath().normalize();
        this.formats = List.copyOf(formats);
        this.fallback = format("raw");
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw FileIo.ioFailure("create the storage root", this.root, e);
        }
    }

    public static ImageStore withDefaultFormats(Path root) {
        return new ImageStore(root, List.of(new VdiFormat(), new Qcow2Format(), new RawFormat()));
    }

    public Path root() {
        return root;
    }

    public ImageFormat format(String name) {
        for (ImageFormat format : formats) {
            if (format.name().equals(name)) {
                return format;
            }
        }
        throw new StorageException("unknown image format '" + name + "'; known: " + formatNames());
    }

    public List<String> formatNames() {
        return formats.stream().map(ImageFormat::name).toList();
    }

    // ---- creating ----------------------------------------------------------------------------------

    public ImageSummary create(UUID id, String formatName, long virtualSize, Variant variant) {
        ImageFormat format = format(formatName);
        return publish(id, format, temp -> format.create(temp, NewImage.base(id, virtualSize, variant)));
    }

    /** A differencing image on {@code parentId}, in the parent's format: a guest's own disk over a shared one. */
    public ImageSummary createDifferencing(UUID id, UUID parentId) {
        ImageFile parent = handle(parentId);
        ImageFormat format = parent.format();
        if (!format.supportsDifferencing()) {
            throw new StorageException(format.name() + " image " + parentId
                    + " cannot have differencing images; clone it to vdi or qcow2 first");
        }
        chain(parentId);
        return publish(id, format, temp -> format.create(temp, NewImage.differencing(id, parent)));
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
        ImageFile parent = handle(parentId);
        ImageFormat format = parent.format();
        if (!format.supportsDifferencing()) {
            throw new StorageException(format.name() + " image " + parentId
                    + " cannot have differencing images; clone it to vdi or qcow2 first");
        }
        chain(parentId);
        for (UUID id : ids) {
            if (exists(id)) {
                throw new StorageException("an image file for " + id + " already exists");
            }
        }
        List<Path> temps = ids.stream().map(id -> tempPath(id, format)).toList();
        List<Path> published = new ArrayList<>();
        try {
            buildAll(ids, temps, id -> temp -> format.create(temp, NewImage.differencing(id, parent)));
            for (int i = 0; i < ids.size(); i++) {
                Path target = root.resolve(ids.get(i) + "." + format.name());
                try {
                    Files.move(temps.get(i), target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new StorageException("the storage root " + root + " cannot rename files atomically", e);
                }
                published.add(target);
            }
            forceDirectory();
        } catch (IOException e) {
            removeBatch(ids, temps, published);
            throw FileIo.ioFailure("create a batch of differencing images in", root, e);
        } catch (RuntimeException e) {
            removeBatch(ids, temps, published);
            throw e;
        }
        return ids.stream().map(this::describe).toList();
    }

    /** Builds and forces every temporary file, from up to {@link #BATCH_THREADS} threads. */
    private static void buildAll(List<UUID> ids, List<Path> temps, Function<UUID, Builder> builders)
            throws IOException {
        int threads = Math.min(BATCH_THREADS, ids.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "image-batch");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> builds = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                Builder builder = builders.apply(ids.get(i));
                Path temp = temps.get(i);
                builds.add(pool.submit(() -> {
                    try (ImageFile built = builder.build(temp)) {
                        built.flush();
                    }
                    return null;
                }));
            }
            for (Future<?> build : builds) {
                await(build);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(Future<?> build) throws IOException {
        try {
            build.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new StorageException("building a differencing image failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while building differencing images", e);
        }
    }

    /** Undoes a failed batch: its temporary files, and any file already renamed into place. */
    private void removeBatch(List<UUID> ids, List<Path> temps, List<Path> published) {
        temps.forEach(ImageStore::deleteQuietly);
        for (int i = 0; i < published.size(); i++) {
            ImageFile handle = open.remove(ids.get(i));
            if (handle != null) {
                handle.close();
            }
            deleteQuietly(published.get(i));
        }
    }

    /**
     * A full, independent copy with a new UUID: the chain flattened, only allocated data copied (what
     * reads as zeros stays unallocated).
     */
    public ImageSummary clone(UUID sourceId, UUID targetId, String formatName, Variant variant, Progress progress) {
        Chain source = chain(sourceId);
        ImageFormat format = format(formatName);
        return publish(targetId, format, temp -> {
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
     * validated by its driver and given the new UUID. A malformed upload, or one that names a parent or a
     * backing file (those are ours to set), is refused and leaves nothing behind.
     */
    public ImageSummary importImage(UUID id, InputStream in) {
        Path upload = root.resolve("." + id + ".upload" + TEMP_SUFFIX);
        try {
            copySparse(in, upload);
            ImageFormat format = detect(upload);
            Path temp = tempPath(id, format);
            Files.move(upload, temp);
            try {
                return publish(id, format, ignored -> openUpload(id, format, temp), temp);
            } finally {
                // Published, it was renamed away; refused (even before building, e.g. the UUID is taken), it goes.
                deleteQuietly(temp);
            }
        } catch (IOException e) {
            throw FileIo.ioFailure("store the upload as", upload, e);
        } finally {
            deleteQuietly(upload);
        }
    }

    private static ImageFile openUpload(UUID id, ImageFormat format, Path temp) {
        ImageFile image = format.open(temp, true);
        try {
            if (image.parentLink().isPresent()) {
                throw new ImageFormatException("the uploaded " + format.name()
                        + " image names a parent or backing file; upload a standalone base image");
            }
            image.reidentify(id);
            return image;
        } catch (RuntimeException e) {
            image.close();
            throw e;
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
        Path temp = root.resolve("." + UUID.randomUUID() + ".export" + TEMP_SUFFIX);
        try {
            export(id, formatName, temp);
            Files.copy(temp, out);
        } finally {
            deleteQuietly(temp);
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

    /** Merges a differencing image into its parent and deletes it; returns the parent's UUID. */
    public UUID mergeIntoParent(UUID childId) {
        Chain chain = chain(childId);
        if (chain.depth() < 2) {
            throw new StorageException("image " + childId + " has no parent to merge into");
        }
        chain.mergeTopIntoParent();
        UUID parentId = chain.layers().get(1).id();
        delete(childId);
        return parentId;
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

    public boolean exists(UUID id) {
        return locate(id) != null;
    }

    public void delete(UUID id) {
        ImageFile handle = open.remove(id);
        if (handle != null) {
            synchronized (handle) {
                handle.close();
            }
        }
        Path file = locate(id);
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw FileIo.ioFailure("delete", file, e);
            }
        }
    }

    /** UUIDs of every published image file in the root. */
    public Set<UUID> listImageIds() {
        Set<UUID> ids = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                int dot = name.lastIndexOf('.');
                if (dot > 0 && !name.startsWith(".") && formatNames().contains(name.substring(dot + 1))) {
                    parseUuid(name.substring(0, dot)).ifPresent(ids::add);
                }
            }
        } catch (IOException e) {
            throw FileIo.ioFailure("list", root, e);
        }
        return ids;
    }

    /** Deletes hidden temporary files a crash left behind; returns what it removed. */
    public List<Path> removeTemporaryFiles() {
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, "." + "*" + TEMP_SUFFIX)) {
            for (Path entry : entries) {
                Files.deleteIfExists(entry);
                removed.add(entry);
            }
        } catch (IOException e) {
            throw FileIo.ioFailure("clean temporary files in", root, e);
        }
        return removed;
    }

    @Override
    public void close() {
        for (UUID id : List.copyOf(open.keySet())) {
            ImageFile handle = open.remove(id);
            if (handle != null) {
                handle.close();
            }
        }
    }

    // ---- internals ---------------------------------------------------------------------------------

    private Chain chain(UUID id) {
        return new Chain(layers(id));
    }

    private List<ImageFile> layers(UUID id) {
        List<ImageFile> layers = new ArrayList<>();
        Set<UUID> seen = new HashSet<>();
        ImageFile current = handle(id);
        while (true) {
            if (!seen.add(current.id())) {
                throw new ChainException("image " + id + " has a loop in its parent chain at " + current.id());
            }
            layers.add(current);
            if (current.parentLink().isEmpty()) {
                return layers;
            }
            if (layers.size() >= MAX_CHAIN_DEPTH) {
                throw new ChainException("image " + id + " has a chain deeper than " + MAX_CHAIN_DEPTH);
            }
            current = handle(parentOf(current));
        }
    }

    private UUID parentOf(ImageFile child) {
        ParentLink link = child.parentLink().orElseThrow();
        if (link.parentId() != null) {
            return link.parentId();
        }
        return ImageIds.fromFileName(resolveBackingFile(child, link.backingFileName()));
    }

    /** A backing file name must be a plain name of a file in the root: never a path that leaves it. */
    private Path resolveBackingFile(ImageFile child, String name) {
        Path resolved = root.resolve(name).normalize();
        if (name.contains("/") || name.contains("\\") || !resolved.getParent().equals(root)) {
            throw new ChainException("image " + child.id() + " names backing file '" + name
                    + "', which is not a plain file name inside the storage root");
        }
        if (!Files.isRegularFile(resolved)) {
            throw new ChainException("image " + child.id() + " names backing file '" + name + "', which does not exist");
        }
        return resolved;
    }

    private ImageFile handle(UUID id) {
        ImageFile file = open.get(id);
        if (file != null) {
            return file;
        }
        return open.computeIfAbsent(id, key -> {
            Path path = locate(key);
            if (path == null) {
                throw new ImageNotFoundException(key);
            }
            ImageFile opened = format(extension(path)).open(path, true);
            if (!opened.id().equals(key)) {
                // A copied or renamed file: two names for one identity would confuse every chain over it.
                opened.close();
                throw new StorageException("image file " + path.getFileName() + " carries UUID " + opened.id()
                        + " in its header, expected " + key + " as its name says");
            }
            return opened;
        });
    }

    private Path locate(UUID id) {
        for (ImageFormat format : formats) {
            Path candidate = root.resolve(id + "." + format.name());
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private ImageFormat detect(Path file) {
        ByteBuffer head = ByteBuffer.allocate(512);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (head.hasRemaining() && channel.read(head) > 0) {
                // keep reading: a short file simply gives a short head
            }
        } catch (IOException e) {
            throw FileIo.ioFailure("read", file, e);
        }
        head.flip();
        if (!head.hasRemaining()) {
            throw new ImageFormatException("the upload is empty");
        }
        for (ImageFormat format : formats) {
            if (format.recognizes(head)) {
                return format;
            }
        }
        return fallback;
    }

    @FunctionalInterface
    private interface Builder {
        ImageFile build(Path temp) throws IOException;
    }

    private ImageSummary publish(UUID id, ImageFormat format, Builder builder) {
        return publish(id, format, builder, tempPath(id, format));
    }

    /** Builds under {@code temp}, forces it to disk, then renames it into place atomically. */
    private ImageSummary publish(UUID id, ImageFormat format, Builder builder, Path temp) {
        Path target = root.resolve(id + "." + format.name());
        if (exists(id)) {
            throw new StorageException("an image file for " + id + " already exists");
        }
        ImageSummary summary;
        try {
            try (ImageFile built = builder.build(temp)) {
                built.flush();
                summary = summarize(id, built);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new StorageException("the storage root " + root + " cannot rename files atomically", e);
            }
            forceDirectory();
        } catch (IOException e) {
            deleteQuietly(temp);
            throw FileIo.ioFailure("create", target, e);
        } catch (RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
        return summary;
    }

    /**
     * Describes a file just built, before it is published. Opening it again only to describe it would add
     * an open and a block-map read to every differencing image made (10-20% of its creation time on the
     * bench machine); it is opened when first used instead. The id is the one it is published under: a
     * format that takes its UUID from the file name sees only the temporary name here.
     */
    private ImageSummary summarize(UUID id, ImageFile built) {
        UUID parent = built.parentLink().isPresent() ? parentOf(built) : null;
        int depth = parent == null ? 1 : 1 + layers(parent).size();
        return new ImageSummary(id, built.format().name(), built.variant(), built.virtualSize(),
                built.allocatedBytes(), parent, depth);
    }

    private Path tempPath(UUID id, ImageFormat format) {
        return root.resolve("." + id + "." + format.name() + TEMP_SUFFIX);
    }

    /** Copies a stream to a new file, leaving holes where whole chunks are zero. */
    private static void copySparse(InputStream in, Path file) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ReadableByteChannel src = Channels.newChannel(in)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(COPY_CHUNK);
            long position = 0;
            while (true) {
                buf.clear();
                while (buf.hasRemaining() && src.read(buf) >= 0) {
                    // fill the chunk
                }
                buf.flip();
                if (!buf.hasRemaining()) {
                    break;
                }
                int length = buf.remaining();
                if (!Zeros.isAllZero(buf)) {
                    FileIo.writeFully(out, buf, position, file);
                }
                position += length;
                if (length < COPY_CHUNK) {
                    break;
                }
            }
            if (position > 0 && out.size() < position) {
                FileIo.writeFully(out, ByteBuffer.allocate(1), position - 1, file);
            }
        }
    }

    private void forceDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(root, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static String extension(Path path) {
        String name = path.getFileName().toString();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static java.util.Optional<UUID> parseUuid(String text) {
        try {
            return java.util.Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: a leftover temporary file is removed at the next start
        }
    }
}

package dev.diskfleet.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Makes image files visible under their final name only when complete: they are built as hidden
 * {@code .*.tmp} files, forced to disk and renamed atomically, and the folder is forced after the rename.
 */
final class Publisher {

    private static final String TEMP_SUFFIX = ".tmp";
    /** How many forces of a batch are in flight at once: enough for the journal to group them. */
    private static final int BATCH_THREADS = 16;

    @FunctionalInterface
    interface Builder {
        ImageFile build(Path temp) throws IOException;
    }

    private final Path root;
    private final OpenImages images;

    Publisher(Path root, OpenImages images) {
        this.root = root;
        this.images = images;
    }

    /** A hidden temporary file in the root, removed by {@link #removeTemporaryFiles} after a crash. */
    Path hidden(String name) {
        return root.resolve("." + name + TEMP_SUFFIX);
    }

    Path tempPath(UUID id, ImageFormat format) {
        return hidden(id + "." + format.name());
    }

    ImageSummary publish(UUID id, ImageFormat format, Builder builder) {
        return publish(id, format, builder, tempPath(id, format));
    }

    /** Builds under {@code temp}, forces it to disk, then renames it into place atomically. */
    ImageSummary publish(UUID id, ImageFormat format, Builder builder, Path temp) {
        Path target = root.resolve(id + "." + format.name());
        if (images.exists(id)) {
            throw new StorageException("an image file for " + id + " already exists");
        }
        ImageSummary summary;
        try {
            try (ImageFile built = builder.build(temp)) {
                built.flush();
                summary = summarize(id, built);
            }
            moveIntoPlace(temp, target);
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
     * Publishes every id, all or none: each built and forced under its temporary name, renamed into place
     * only when every one is complete, the folder forced once for the whole batch. If anything fails, every
     * file of the batch is removed again and the failure is thrown.
     */
    List<ImageSummary> publishAll(List<UUID> ids, ImageFormat format, Function<UUID, Builder> builders) {
        for (UUID id : ids) {
            if (images.exists(id)) {
                throw new StorageException("an image file for " + id + " already exists");
            }
        }
        List<Path> temps = ids.stream().map(id -> tempPath(id, format)).toList();
        List<Path> published = new ArrayList<>();
        try {
            List<ImageSummary> summaries = buildAll(ids, temps, builders);
            for (int i = 0; i < ids.size(); i++) {
                Path target = root.resolve(ids.get(i) + "." + format.name());
                moveIntoPlace(temps.get(i), target);
                published.add(target);
            }
            forceDirectory();
            return summaries;
        } catch (IOException e) {
            removeBatch(ids, temps, published);
            throw FileIo.ioFailure("create a batch of differencing images in", root, e);
        } catch (RuntimeException e) {
            removeBatch(ids, temps, published);
            throw e;
        }
    }

    /**
     * Builds and forces every temporary file, from up to {@link #BATCH_THREADS} threads; returns what each is,
     * read off the built file before it is closed, so that nothing opens the new files again to describe them.
     */
    private List<ImageSummary> buildAll(List<UUID> ids, List<Path> temps, Function<UUID, Builder> builders)
            throws IOException {
        int threads = Math.min(BATCH_THREADS, ids.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "image-batch");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<ImageSummary>> builds = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                UUID id = ids.get(i);
                Builder builder = builders.apply(id);
                Path temp = temps.get(i);
                builds.add(pool.submit(() -> {
                    try (ImageFile built = builder.build(temp)) {
                        built.flush();
                        return summarize(id, built);
                    }
                }));
            }
            List<ImageSummary> summaries = new ArrayList<>();
            for (Future<ImageSummary> build : builds) {
                summaries.add(await(build));
            }
            return summaries;
        } finally {
            pool.shutdownNow();
            awaitStopped(pool);
        }
    }

    /**
     * Waits for the builders still running when one failed: the caller removes the batch's temporary files
     * next, and a builder that went on writing after that would leave one behind.
     */
    private static void awaitStopped(ExecutorService pool) {
        try {
            // a build stuck in the file system past a minute is left to finish; its file is then an orphan
            pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T await(Future<T> build) throws IOException {
        try {
            return build.get();
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
        temps.forEach(Publisher::deleteQuietly);
        for (int i = 0; i < published.size(); i++) {
            images.forget(ids.get(i));
            deleteQuietly(published.get(i));
        }
    }

    /**
     * Describes a file just built, before it is published. Opening it again only to describe it would add
     * an open and a block-map read to every differencing image made (10-20% of its creation time on the
     * bench machine); it is opened when first used instead. The id is the one it is published under: a
     * format that takes its UUID from the file name sees only the temporary name here.
     */
    private ImageSummary summarize(UUID id, ImageFile built) {
        UUID parent = built.parentLink().isPresent() ? images.parentOf(built) : null;
        int depth = parent == null ? 1 : 1 + images.layers(parent).size();
        return new ImageSummary(id, built.format().name(), built.variant(), built.virtualSize(),
                built.allocatedBytes(), parent, depth);
    }

    private void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new StorageException("the storage root " + root + " cannot rename files atomically", e);
        }
    }

    /** Deletes hidden temporary files a crash left behind; returns what it removed. */
    List<Path> removeTemporaryFiles() {
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

    private void forceDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(root, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: a leftover temporary file is removed at the next start
        }
    }
}

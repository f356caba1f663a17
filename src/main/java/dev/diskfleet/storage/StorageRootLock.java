package dev.diskfleet.storage;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One process per storage root: an exclusive lock on {@code <root>/.diskfleet.lock}, held until
 * {@link #close}, with {@code pid@host since <instant>} written into the file so that a refused second
 * process can name the holder. The operating system drops the lock when the holder dies, even by kill -9,
 * so a stale file never blocks a restart. The file itself stays; only the lock on it means anything.
 */
public final class StorageRootLock implements Closeable {

    public static final String FILE_NAME = ".diskfleet.lock";

    /**
     * Roots locked by this process. POSIX record locks belong to the process, not to the channel: closing
     * any other descriptor of the file, even one opened only to read who holds it, would silently drop the
     * lock. So a second claim from inside this process is refused here, before it opens the file at all.
     */
    private static final Map<Path, StorageRootLock> HELD_HERE = new ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final String holder;

    private StorageRootLock(Path file, FileChannel channel, FileLock lock, String holder) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
    }

    /**
     * Takes the lock on {@code root} (created if missing) or throws at once, naming the holder.
     *
     * @throws StorageRootLockedException when another process, or another part of this one, holds it
     */
    public static StorageRootLock acquire(Path root) {
        Path dir = root.toAbsolutePath().normalize();
        Path file = dir.resolve(FILE_NAME);
        StorageRootLock inThisProcess = HELD_HERE.get(dir);
        if (inThisProcess != null) {
            throw new StorageRootLockedException(dir, file, inThisProcess.holder);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw FileIo.ioFailure("create the storage root", dir, e);
        }
        FileChannel channel = FileIo.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            StorageException failure = new StorageException("could not lock " + file + ": " + e.getMessage(), e);
            FileIo.closeAfterFailure(channel, failure);
            throw failure;
        }
        if (lock == null) {
            StorageRootLockedException refused = new StorageRootLockedException(dir, file, readHolder(channel, file));
            FileIo.closeAfterFailure(channel, refused);
            throw refused;
        }
        String holder = describeThisProcess();
        StorageRootLock held = new StorageRootLock(file, channel, lock, holder);
        try {
            ByteBuffer text = ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8));
            FileIo.truncate(channel, 0, file);
            FileIo.writeFully(channel, text, 0, file);
            FileIo.force(channel, file);
        } catch (RuntimeException e) {
            FileIo.closeAfterFailure(channel, e);
            throw e;
        }
        if (HELD_HERE.putIfAbsent(dir, held) != null) {
            // Two threads of this process raced past the check above; the OS lock cannot tell them apart.
            StorageRootLockedException refused = new StorageRootLockedException(dir, file, holder);
            FileIo.closeAfterFailure(channel, refused);
            throw refused;
        }
        return held;
    }

    /** {@code pid@host since <instant>}, as written into the lock file. */
    public String holder() {
        return holder;
    }

    public Path file() {
        return file;
    }

    /** Releases the lock; the file stays, holding the last holder's name for whoever looks. */
    @Override
    public void close() {
        HELD_HERE.remove(file.getParent(), this);
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it as well
        }
        FileIo.close(channel, file);
    }

    private static String readHolder(FileChannel channel, Path file) {
        ByteBuffer buf = ByteBuffer.allocate(512);
        try {
            int n = channel.read(buf, 0);
            String text = n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.UTF_8).strip();
            // The holder writes its name right after it locks: a refusal in that instant finds the file empty.
            return text.isEmpty() ? "an unnamed process (it had not yet written its name)" : text;
        } catch (IOException e) {
            return "a process whose name could not be read (" + e.getMessage() + ")";
        }
    }

    private static String describeThisProcess() {
        return "pid " + ProcessHandle.current().pid() + "@" + hostName() + " since " + Instant.now();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}

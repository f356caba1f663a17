package dev.diskfleet.storage;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Modes for everything the service keeps: guest disks hold whatever their guests wrote, so no other local
 * user may read them. Files are made 0600 and folders 0700 when they are created, not afterwards, so there
 * is no moment when a looser mode shows; the process umask can only take bits away from these, never add.
 */
public final class PrivateFiles {

    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwx------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private PrivateFiles() {
    }

    /** The attributes a new file is created with (none where the file system has no POSIX modes). */
    public static FileAttribute<?>[] fileAttributes() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
                : new FileAttribute<?>[0];
    }

    /** Creates a folder (and its missing parents, all 0700) and makes the folder itself 0700 if it existed. */
    public static Path createFolder(Path folder) throws IOException {
        Path absolute = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            Path parent = absolute.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                createFolder(parent);
            }
            try {
                Files.createDirectory(absolute, POSIX ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(FOLDER_MODE)} : new FileAttribute<?>[0]);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another thread made it first: fine, its mode is set below.
            }
        }
        restrict(absolute);
        return absolute;
    }

    /** Makes a file 0600 or a folder 0700; for files a tool (QEMU, genisoimage, H2) made with the umask's mode. */
    public static void restrict(Path path) throws IOException {
        if (POSIX && !Files.isSymbolicLink(path)) {
            Files.setPosixFilePermissions(path,
                    Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? FOLDER_MODE : FILE_MODE);
        }
    }

    /**
     * Restricts a whole tree: a data folder from a version that did not, or files that a library created
     * with the umask's mode. Entries that vanish while it walks are skipped.
     */
    public static void restrictTree(Path root) throws IOException {
        if (!POSIX || !Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                try {
                    restrict(path);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // removed while walking: nothing left to protect
                }
            }
        }
    }
}

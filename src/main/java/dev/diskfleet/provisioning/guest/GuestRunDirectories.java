package dev.diskfleet.provisioning.guest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Where each machine's guest keeps its monitor socket, pid file and console log: {@code <root>/<machine id>}
 * under the data folder, so that a restarted service finds it from the machine id alone. Kept short: a
 * Unix socket path may hold 107 bytes at most.
 */
public record GuestRunDirectories(Path root) {

    public GuestRunDirectories {
        root = root.toAbsolutePath().normalize();
    }

    public Path of(UUID machineId) {
        return root.resolve(machineId.toString());
    }

    /** The machines that have a run directory now. */
    public List<UUID> machineIds() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).map(dir -> dir.getFileName().toString())
                    .filter(GuestRunDirectories::isUuid).map(UUID::fromString).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the run directories in " + root, e);
        }
    }

    private static boolean isUuid(String name) {
        try {
            return UUID.fromString(name).toString().equals(name);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

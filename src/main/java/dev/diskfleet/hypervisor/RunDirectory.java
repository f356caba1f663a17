package dev.diskfleet.hypervisor;

import dev.diskfleet.storage.PrivateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The files of one machine's guest in its run directory. The layout is fixed so that a later service finds
 * a running guest again from the directory alone.
 */
public record RunDirectory(Path path) {

    /**
     * Linux limits a Unix socket's path to 108 bytes including the terminating NUL (sun_path in
     * {@code unix(7)}).
     */
    private static final int MAX_SOCKET_PATH_BYTES = 107;

    public RunDirectory {
        path = path.toAbsolutePath().normalize();
    }

    public Path monitorSocket() {
        return path.resolve("qmp.sock");
    }

    public Path pidFile() {
        return path.resolve("guest.pid");
    }

    public Path consoleLog() {
        return path.resolve("console.log");
    }

    /** The guest's cloud-init seed (ISO 9660, label cidata), written afresh at each start. */
    public Path seedImage() {
        return path.resolve("seed.iso");
    }

    /** What the hypervisor process itself printed (its errors at start). */
    public Path processLog() {
        return path.resolve("hypervisor.log");
    }

    /** The {@code none} driver's record that a guest is "running". */
    public Path record() {
        return path.resolve("guest.record");
    }

    /**
     * Removes the directory with everything in it; nothing if it is not there. Only for a machine whose guest
     * no longer runs: QEMU's monitor socket and pid file are among what goes.
     */
    public void delete() {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new HypervisorException("cannot remove the run directory " + path, e);
        }
    }

    public void create() {
        try {
            PrivateFiles.createFolder(path);
        } catch (IOException e) {
            throw new HypervisorException("cannot create the run directory " + path, e);
        }
        if (monitorSocket().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                > MAX_SOCKET_PATH_BYTES) {
            throw new HypervisorException("the run directory " + path + " is too deep for a Unix socket ("
                    + MAX_SOCKET_PATH_BYTES + " bytes at most); choose a shorter data folder");
        }
    }
}

package dev.diskfleet.hypervisor.seed;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Packs a {@link NoCloudSeed} into an ISO 9660 image labelled {@code cidata}, with Joliet and Rock Ridge
 * names as {@code cloud-localds} makes it: {@code genisoimage -volid cidata -joliet -rock}, or the same
 * through {@code xorriso -as genisoimage}. The tool is run directly, never through a shell, and is given only
 * file names we chose: the seed's contents, whatever they hold, are bytes in files.
 *
 * @param command the tool and the arguments before its options; empty when neither tool is installed, and
 *     then every {@link #write} fails saying what to install
 */
public record SeedImageTool(List<String> command) {

    private static final int TIMEOUT_SECONDS = 60;

    public SeedImageTool {
        command = List.copyOf(command);
    }

    /** {@code genisoimage}, else {@code xorriso}, as found on the PATH; a tool that fails every write if neither. */
    public static SeedImageTool onPath() {
        return find("genisoimage").map(tool -> new SeedImageTool(List.of(tool.toString())))
                .or(() -> find("xorriso").map(tool -> new SeedImageTool(List.of(tool.toString(), "-as", "genisoimage"))))
                .orElseGet(SeedImageTool::missing);
    }

    public static SeedImageTool missing() {
        return new SeedImageTool(List.of());
    }

    public boolean installed() {
        return !command.isEmpty();
    }

    /**
     * Writes the seed's image to {@code target}, replacing what was there: it is built beside it and renamed
     * into place, so a guest never sees half an image.
     */
    public void write(NoCloudSeed seed, Path target) {
        if (!installed()) {
            throw new SeedImageException("cannot build the cloud-init seed: neither genisoimage nor xorriso is"
                    + " installed on the service's host (Debian package genisoimage); install one, or turn the"
                    + " machine's cloud-init seed off");
        }
        Path dir = target.toAbsolutePath().getParent();
        Path files = dir.resolve(".seed-files");
        Path partial = dir.resolve("." + target.getFileName() + ".partial");
        try {
            deleteTree(files);
            Files.createDirectories(files);
            ownerOnly(files, "rwx------");
            List<String> args = new ArrayList<>(command);
            args.addAll(List.of("-quiet", "-output", partial.toString(), "-volid", NoCloudSeed.VOLUME_LABEL,
                    "-joliet", "-rock"));
            for (Map.Entry<String, String> file : seed.files().entrySet()) {
                Path path = files.resolve(file.getKey());
                Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
                args.add(path.toString());
            }
            run(args, dir);
            ownerOnly(partial, "rw-------");
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new SeedImageException("cannot write the cloud-init seed " + target, e);
        } finally {
            // the files may hold the user's secrets: they do not outlive the image that carries them
            try {
                deleteTree(files);
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                // the next write removes them first
            }
        }
    }

    private void run(List<String> args, Path dir) throws IOException {
        Path log = dir.resolve(".seed-tool.log");
        Process process = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new SeedImageException(args.get(0) + " did not write the cloud-init seed within "
                        + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SeedImageException("interrupted writing the cloud-init seed", e);
        }
        String output = Files.readString(log).strip();
        Files.deleteIfExists(log);
        if (process.exitValue() != 0) {
            throw new SeedImageException(args.get(0) + " could not write the cloud-init seed (exit "
                    + process.exitValue() + "): " + output);
        }
    }

    /** User-data may hold secrets: only the service's user (and QEMU, run as it) reads the seed. */
    private static void ownerOnly(Path path, String permissions) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        }
    }

    private static Optional<Path> find(String tool) {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(path == null ? List.of() : List.of(path.split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/bin", "/usr/sbin"));
        return dirs.stream().map(dir -> Path.of(dir, tool)).filter(Files::isExecutable).findFirst();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

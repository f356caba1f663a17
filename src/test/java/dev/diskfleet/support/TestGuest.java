package dev.diskfleet.support;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A real bootable test guest: the example golden of {@code examples/golden/build-golden.sh}, the one builder
 * a newcomer runs too, built offline from Debian packages and cached under {@code target/test-guest/} (its
 * downloads under {@code target/test-guest/cache/}). A 64 MiB raw MBR disk that SeaBIOS boots with
 * syslinux into a Debian kernel and a busybox initramfs holding Redis; partition 2 (ext4) holds
 * {@code /last-writer} with {@value #GOLDEN_WRITER}. The behaviours are disks that differ only in the kernel
 * command line the script is given ({@code --append}).
 *
 * <h2>What the guest does (its console protocol, from {@code examples/golden/init})</h2>
 * On the serial console, where {@code <serial>} is the SMBIOS system serial number (the machine id: the
 * qemu driver passes {@code -smbios type=1,serial=<machine id>}):
 * <ol>
 *   <li>with a cloud-init seed attached (a disk labelled {@code cidata}):
 *       {@code DISKFLEET-GUEST <serial> hostname <local-hostname> instance <instance-id>}, and it sets that
 *       hostname;</li>
 *   <li>with a NIC: {@code DISKFLEET-GUEST <serial> address <ip>} from DHCP;</li>
 *   <li>{@code DISKFLEET-GUEST <serial> found: <content of /last-writer on partition 2>};</li>
 *   <li>it writes {@code <serial>} into {@code /last-writer}, syncs, remounts read-only and prints
 *       {@code DISKFLEET-GUEST <serial> wrote};</li>
 *   <li>with {@link Behaviour#DATABASE} ({@code diskfleet.db=1}) it remounts the data partition writable,
 *       starts Redis on 0.0.0.0:6379 with its data in {@code /data/redis} (append-only file, fsync at every
 *       write), prints {@code DISKFLEET-GUEST <serial> database ready}, runs {@code redis-cli incr
 *       diskfleet:boots} and prints {@code DISKFLEET-GUEST <serial> database boots <n>};</li>
 *   <li>with {@link Behaviour#POWER_OFF} (kernel command line {@code diskfleet.poweroff=1}) it prints
 *       {@code DISKFLEET-GUEST <serial> powering off} and powers the machine off; with
 *       {@link Behaviour#STAY_UP} (and {@link Behaviour#DATABASE}) it prints
 *       {@code DISKFLEET-GUEST <serial> staying up} and runs until it is
 *       powered off from outside, ignoring the ACPI power button (busybox has no acpid); with
 *       {@link Behaviour#TICKING} it remounts {@code /data} writable, prints
 *       {@code DISKFLEET-GUEST <serial> ticking} and then, every second until it is powered off from outside,
 *       tick n = 1, 2, ...: writes {@code DISKFLEET-TICK-<n>} (padded to 4 KiB) into {@code /data/tick} with
 *       O_DIRECT and fsync, reads it back with O_DIRECT and prints {@code DISKFLEET-GUEST <serial> tick <n> ok}
 *       or {@code DISKFLEET-GUEST <serial> tick <n> failed: <why>}. A tick whose disk does not answer
 *       waits (no line) until it does.</li>
 * </ol>
 *
 * <p>Without a build tool the tests that need the guest skip locally and fail when {@code CI=true}.
 */
public final class TestGuest {

    public enum Behaviour {
        POWER_OFF("diskfleet.poweroff=1"),
        STAY_UP("diskfleet.poweroff=0"),
        TICKING("diskfleet.poweroff=0 diskfleet.ticks=1"),
        DATABASE("diskfleet.poweroff=0 diskfleet.db=1"),
        /** Floods its console with one endless line, as a hostile guest may. */
        FLOOD_BYTES("diskfleet.poweroff=0 diskfleet.flood=bytes"),
        /** Floods its console with lines. */
        FLOOD_LINES("diskfleet.poweroff=0 diskfleet.flood=lines");

        private final String kernelArgument;

        Behaviour(String kernelArgument) {
            this.kernelArgument = kernelArgument;
        }
    }

    public static final String GOLDEN_WRITER = "golden";
    public static final long DISK_BYTES = 64L << 20;
    /** What a tick writes into {@code /data/tick}, followed by spaces up to 4 KiB: group 1 is its number. */
    public static final Pattern TICK_ON_DISK = Pattern.compile("DISKFLEET-TICK-(\\d+) ");

    private static final Path CACHE = Path.of("target", "test-guest").toAbsolutePath();
    private static final Path BUILDER = Path.of("examples", "golden", "build-golden.sh").toAbsolutePath();
    private static final Path INIT = BUILDER.resolveSibling("init");
    private static final List<String> BUILD_TOOLS = List.of("apt-cache", "apt-get", "dpkg-deb", "ldd", "tar",
            "cpio", "gzip", "sfdisk", "mkfs.vfat", "mcopy", "syslinux", "mke2fs");
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Path MBR = Path.of("/usr/lib/syslinux/mbr/mbr.bin");

    private TestGuest() {
    }

    /** The console line a guest prints after reading its disk. */
    public static String foundLine(String serial, String lastWriter) {
        return "DISKFLEET-GUEST " + serial + " found: " + lastWriter;
    }

    public static String wroteLine(String serial) {
        return "DISKFLEET-GUEST " + serial + " wrote";
    }

    public static String stayingUpLine(String serial) {
        return "DISKFLEET-GUEST " + serial + " staying up";
    }

    /** The line of a guest that read its name and id from its cloud-init seed. */
    public static String identityLine(String serial, String hostname, String instanceId) {
        return "DISKFLEET-GUEST " + serial + " hostname " + hostname + " instance " + instanceId;
    }

    public static String databaseReadyLine(String serial) {
        return "DISKFLEET-GUEST " + serial + " database ready";
    }

    /** The line after Redis counted this boot: {@code n} is how many boots the guest's Redis data has seen. */
    public static String databaseBootsLine(String serial, int n) {
        return "DISKFLEET-GUEST " + serial + " database boots " + n;
    }

    /** Matches the tick lines of {@code serial}: group 1 is the tick's number, group 2 {@code ok} or the failure. */
    public static Pattern tickLines(String serial) {
        return Pattern.compile("DISKFLEET-GUEST " + Pattern.quote(serial) + " tick (\\d+) (ok|failed: .*)");
    }

    /** Skips (locally) or fails (CI) unless {@code qemu-system-x86_64} is installed. */
    public static void requireQemu() {
        requireAll(List.of("qemu-system-x86_64"), List.of());
    }

    /** Skips (locally) or fails (CI) unless QEMU and every tool that builds the guest is installed. */
    public static void requireTools() {
        List<String> tools = new ArrayList<>(BUILD_TOOLS);
        tools.add("qemu-system-x86_64");
        requireAll(tools, List.of(BUSYBOX, MBR));
    }

    private static void requireAll(List<String> tools, List<Path> files) {
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            if (locate(tool) == null) {
                missing.add(tool);
            }
        }
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                missing.add(file.toString());
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "the test guest needs " + missing + " (Debian packages qemu-system-x86, "
                + "busybox-static, syslinux, syslinux-common, mtools, dosfstools, fdisk, cpio, e2fsprogs)";
        if ("true".equals(System.getenv("CI"))) {
            fail(message + ", which CI=true requires");
        }
        Assumptions.abort(message + "; skipped outside CI");
    }

    /** The raw disk of the guest with {@code behaviour}, built once and then taken from the cache. */
    public static synchronized Path disk(Behaviour behaviour) {
        requireTools();
        try {
            Files.createDirectories(CACHE);
            // Test JVMs forked in parallel share the cache: one builds, the others wait and reuse.
            try (FileChannel lock = FileChannel.open(CACHE.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); var held = lock.lock()) {
                return cachedDisk(behaviour);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot build the test guest under " + CACHE, e);
        }
    }

    /**
     * The golden exactly as a newcomer builds it ({@code build-golden.sh golden.qcow2}, no options: Redis
     * starts, the guest stays up), built once and then taken from the cache.
     */
    public static synchronized Path exampleGolden() {
        requireTools();
        QemuTools.require("qemu-img");
        try {
            Files.createDirectories(CACHE);
            try (FileChannel lock = FileChannel.open(CACHE.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); var held = lock.lock()) {
                Path golden = CACHE.resolve("golden-" + fingerprint(Files.readString(BUILDER), Files.readString(INIT))
                        + ".qcow2");
                if (!Files.exists(golden)) {
                    run(CACHE, null, "bash", BUILDER.toString(), "--cache", CACHE.resolve("cache").toString(),
                            golden.toString());
                }
                return golden;
            }
        } catch (IOException e) {
            throw new AssertionError("cannot build the example golden under " + CACHE, e);
        }
    }

    private static Path cachedDisk(Behaviour behaviour) throws IOException {
        Path disk = CACHE.resolve("guest-" + behaviour.name().toLowerCase() + "-" + fingerprint(
                Files.readString(BUILDER), Files.readString(INIT), behaviour.kernelArgument) + ".raw");
        if (!Files.exists(disk)) {
            // the script writes its output atomically: a build cut short leaves no disk to be taken for whole
            run(CACHE, null, "bash", BUILDER.toString(), "--append", behaviour.kernelArgument,
                    "--cache", CACHE.resolve("cache").toString(), disk.toString());
        }
        return disk;
    }

    // ---- helpers -----------------------------------------------------------------------------------

    /** The cache key: a changed /init or command line builds a new disk instead of reusing a stale one. */
    private static String fingerprint(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String run(Path dir, String stdin, String... command) {
        try {
            List<String> resolved = new ArrayList<>(List.of(command));
            String tool = locate(command[0]);
            if (tool != null) {
                resolved.set(0, tool);
            }
            Process process = new ProcessBuilder(resolved).directory(dir.toFile()).redirectErrorStream(true).start();
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + String.join(" ", command), e);
        }
    }

    /**
     * The tool's path: on the PATH, or in /usr/sbin and /sbin, where mkfs.vfat, mke2fs and sfdisk live and
     * which a non-root user's PATH on Debian lacks. {@code null} if it is nowhere.
     */
    private static String locate(String tool) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(java.io.File.pathSeparator)));
        }
        dirs.addAll(List.of("/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}

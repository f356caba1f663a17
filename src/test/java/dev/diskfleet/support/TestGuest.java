package dev.diskfleet.support;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real bootable test guest, built offline from Debian packages and cached under
 * {@code target/test-guest/}: a 64 MiB raw MBR disk that SeaBIOS boots with syslinux into a Debian kernel
 * and a busybox initramfs. Nothing is mounted to build it.
 *
 * <h2>Disk layout</h2>
 * <ul>
 *   <li>sector 0: syslinux's {@code mbr.bin} and an MBR table written by {@code sfdisk};</li>
 *   <li>partition 1 (1 MiB, 24 MiB, FAT16, bootable): {@code mkfs.vfat}, {@code syslinux --install},
 *       {@code mcopy} of {@code vmlinuz}, {@code initrd.gz} and {@code syslinux.cfg};</li>
 *   <li>partition 2 (25 MiB to the end, ext4, {@code mke2fs -d}): {@code /last-writer} holding
 *       {@value #GOLDEN_WRITER}.</li>
 * </ul>
 * The kernel comes from the package {@code linux-image-amd64} depends on ({@code apt-cache depends},
 * {@code apt-get download}); only {@code vmlinuz} and the modules below are unpacked from it. The initramfs
 * holds busybox-static, the virtio and ext4 modules (in dependency order, read from each module's
 * {@code depends=} field, since the package has no {@code modules.dep}) and {@code /init}
 * ({@code src/test/resources/test-guest/init}).
 *
 * <h2>What the guest does (its console protocol)</h2>
 * On the serial console, where {@code <serial>} is the SMBIOS system serial number (the machine id: the
 * qemu driver passes {@code -smbios type=1,serial=<machine id>}):
 * <ol>
 *   <li>{@code DISKFLEET-GUEST <serial> found: <content of /last-writer on partition 2>};</li>
 *   <li>it writes {@code <serial>} into {@code /last-writer}, syncs, remounts read-only and prints
 *       {@code DISKFLEET-GUEST <serial> wrote};</li>
 *   <li>with {@link Behaviour#POWER_OFF} (kernel command line {@code diskfleet.poweroff=1}) it prints
 *       {@code DISKFLEET-GUEST <serial> powering off} and powers the machine off; with
 *       {@link Behaviour#STAY_UP} it prints {@code DISKFLEET-GUEST <serial> staying up} and runs until it is
 *       powered off from outside, ignoring the ACPI power button (busybox has no acpid); with
 *       {@link Behaviour#TICKING} it remounts {@code /data} writable, prints
 *       {@code DISKFLEET-GUEST <serial> ticking} and then, every second until it is powered off from outside,
 *       tick n = 1, 2, ...: writes {@code DISKFLEET-TICK-<n>} (padded to 4 KiB) into {@code /data/tick} with
 *       O_DIRECT and fsync, reads it back with O_DIRECT and prints {@code DISKFLEET-GUEST <serial> tick <n> ok}
 *       or {@code DISKFLEET-GUEST <serial> tick <n> failed: <why>}. A tick whose disk does not answer
 *       waits (no line) until it does.</li>
 * </ol>
 * The behaviours are disks that differ only in {@code syslinux.cfg}.
 *
 * <p>Without a build tool the tests that need the guest skip locally and fail when {@code CI=true}.
 */
public final class TestGuest {

    public enum Behaviour {
        POWER_OFF("diskfleet.poweroff=1"),
        STAY_UP("diskfleet.poweroff=0"),
        TICKING("diskfleet.poweroff=0 diskfleet.ticks=1");

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
    private static final List<String> MODULES = List.of("virtio_ring", "virtio", "virtio_pci_legacy_dev",
            "virtio_pci_modern_dev", "virtio_pci", "virtio_blk", "crc16", "crc32c_generic", "libcrc32c",
            "mbcache", "jbd2", "ext4");
    private static final List<String> BUILD_TOOLS = List.of("apt-cache", "apt-get", "dpkg-deb", "tar", "cpio",
            "gzip", "sfdisk", "mkfs.vfat", "mcopy", "syslinux", "mke2fs");
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Path MBR = Path.of("/usr/lib/syslinux/mbr/mbr.bin");
    private static final long FAT_START = 1L << 20;
    private static final long FAT_BYTES = 24L << 20;
    private static final long DATA_START = FAT_START + FAT_BYTES;
    private static final Pattern DEPENDS = Pattern.compile("depends=([A-Za-z0-9_,-]*)");

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

    private static Path cachedDisk(Behaviour behaviour) throws IOException {
        String init = initScript();
        Path disk = CACHE.resolve("guest-" + behaviour.name().toLowerCase() + "-"
                + fingerprint(init, behaviour.kernelArgument) + ".raw");
        if (!Files.exists(disk)) {
            Path kernel = kernel();
            Path initrd = initramfs(kernel, init);
            Path temp = CACHE.resolve(disk.getFileName() + ".tmp");
            buildDisk(temp, kernel, initrd, behaviour);
            Files.move(temp, disk, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return disk;
    }

    // ---- kernel ------------------------------------------------------------------------------------

    /** {@code target/test-guest/kernel-<version>/} holding {@code vmlinuz} and {@code modules/*.ko}. */
    private static Path kernel() throws IOException {
        String dependsOutput = run(CACHE, null, "apt-cache", "depends", "linux-image-amd64");
        Matcher matcher = Pattern.compile("Depends: (linux-image-\\S+)").matcher(dependsOutput);
        if (!matcher.find()) {
            throw new AssertionError("apt-cache names no kernel package for linux-image-amd64:\n" + dependsOutput);
        }
        String kernelPackage = matcher.group(1);
        Path dir = CACHE.resolve("kernel-" + kernelPackage);
        if (Files.isRegularFile(dir.resolve("vmlinuz"))) {
            return dir;
        }
        Path debs = Files.createDirectories(CACHE.resolve("deb"));
        run(debs, null, "apt-get", "download", "-q", kernelPackage);
        Path deb;
        try (Stream<Path> files = Files.list(debs)) {
            deb = files.filter(f -> f.getFileName().toString().startsWith(kernelPackage + "_")).findFirst()
                    .orElseThrow(() -> new AssertionError("apt-get download left no " + kernelPackage + " .deb"));
        }
        // dpkg-deb -x would unpack every module (hundreds of MiB); its tar stream gives just what we need.
        Path unpacked = Files.createDirectories(CACHE.resolve("unpacked-" + kernelPackage));
        List<String> wanted = new ArrayList<>(List.of("./boot/vmlinuz-*"));
        MODULES.forEach(module -> wanted.add("*/" + module + ".ko"));
        run(unpacked, null, "bash", "-c", "dpkg-deb --fsys-tarfile '" + deb + "' | tar -x --wildcards "
                + String.join(" ", wanted.stream().map(w -> "'" + w + "'").toList()));
        Path temp = CACHE.resolve("kernel-" + kernelPackage + ".tmp");
        deleteTree(temp);
        Files.createDirectories(temp.resolve("modules"));
        try (Stream<Path> files = Files.walk(unpacked)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                Path target = name.startsWith("vmlinuz") ? temp.resolve("vmlinuz") : temp.resolve("modules/" + name);
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
        // The kernel folder is the cache; the 70 MiB package and its unpacked tree are not needed again.
        deleteTree(unpacked);
        Files.delete(deb);
        return dir;
    }

    /** The modules in an order where each comes after those its {@code depends=} names. */
    static List<String> loadOrder(Path modules) throws IOException {
        Map<String, List<String>> depends = new LinkedHashMap<>();
        for (String module : MODULES) {
            String modinfo = new String(Files.readAllBytes(modules.resolve(module + ".ko")), StandardCharsets.ISO_8859_1);
            Matcher matcher = DEPENDS.matcher(modinfo);
            depends.put(module, matcher.find() && !matcher.group(1).isEmpty()
                    ? List.of(matcher.group(1).split(",")) : List.of());
        }
        Set<String> order = new LinkedHashSet<>();
        for (String module : MODULES) {
            addAfterDependencies(module, depends, order, new LinkedHashSet<>());
        }
        return List.copyOf(order);
    }

    private static void addAfterDependencies(String module, Map<String, List<String>> depends, Set<String> order,
            Set<String> visiting) {
        if (order.contains(module)) {
            return;
        }
        if (!depends.containsKey(module)) {
            throw new AssertionError("module " + module + " is needed but not unpacked; add it to MODULES");
        }
        if (!visiting.add(module)) {
            throw new AssertionError("modules depend on each other in a circle: " + visiting);
        }
        for (String dependency : depends.get(module)) {
            addAfterDependencies(dependency, depends, order, visiting);
        }
        order.add(module);
    }

    // ---- initramfs ---------------------------------------------------------------------------------

    private static Path initramfs(Path kernel, String init) throws IOException {
        Path root = CACHE.resolve("initramfs");
        deleteTree(root);
        for (String dir : List.of("bin", "etc", "lib/modules", "proc", "sys", "dev", "data")) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.copy(BUSYBOX, root.resolve("bin/busybox"));
        root.resolve("bin/busybox").toFile().setExecutable(true);
        List<String> order = loadOrder(kernel.resolve("modules"));
        for (String module : order) {
            Files.copy(kernel.resolve("modules/" + module + ".ko"), root.resolve("lib/modules/" + module + ".ko"));
        }
        Files.writeString(root.resolve("etc/modules-order"), String.join("\n", order) + "\n");
        Files.writeString(root.resolve("init"), init);
        root.resolve("init").toFile().setExecutable(true);
        Path initrd = CACHE.resolve("initrd.gz");
        run(root, null, "bash", "-c", "find . | cpio -o -H newc --quiet | gzip -1 > '" + initrd + "'");
        deleteTree(root);
        return initrd;
    }

    // ---- disk --------------------------------------------------------------------------------------

    private static void buildDisk(Path disk, Path kernel, Path initrd, Behaviour behaviour) throws IOException {
        Path work = Files.createDirectories(CACHE.resolve("work-" + behaviour.name().toLowerCase()));
        Path fat = work.resolve("fat.img");
        Path ext4 = work.resolve("data.ext4");
        Path syslinuxCfg = work.resolve("syslinux.cfg");
        Path data = Files.createDirectories(work.resolve("data"));
        Files.deleteIfExists(fat);
        Files.deleteIfExists(ext4);
        Files.deleteIfExists(disk);

        try (FileChannel channel = FileChannel.open(disk, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(1), DISK_BYTES - 1); // sparse: only what is copied in takes space
        }
        run(work, "label: dos\n"
                + "start=" + FAT_START / 512 + ", size=" + FAT_BYTES / 512 + ", type=6, bootable\n"
                + "start=" + DATA_START / 512 + ", type=83\n", "sfdisk", "-q", disk.toString());

        run(work, null, "mkfs.vfat", "-C", fat.toString(), Long.toString(FAT_BYTES / 1024));
        run(work, null, "syslinux", "--install", fat.toString());
        Files.writeString(syslinuxCfg, "DEFAULT guest\nPROMPT 0\nTIMEOUT 0\nLABEL guest\n  KERNEL vmlinuz\n"
                + "  INITRD initrd.gz\n  APPEND console=ttyS0 quiet panic=-1 " + behaviour.kernelArgument + "\n");
        run(work, null, "mcopy", "-i", fat.toString(), kernel.resolve("vmlinuz").toString(), "::vmlinuz");
        run(work, null, "mcopy", "-i", fat.toString(), initrd.toString(), syslinuxCfg.toString(), "::");

        Files.writeString(data.resolve("last-writer"), GOLDEN_WRITER + "\n");
        run(work, null, "mke2fs", "-q", "-F", "-t", "ext4", "-d", data.toString(), ext4.toString(),
                (DISK_BYTES - DATA_START) / 1024 + "k");

        try (FileChannel out = FileChannel.open(disk, StandardOpenOption.WRITE)) {
            copyAt(fat, out, FAT_START);
            copyAt(ext4, out, DATA_START);
            // mbr.bin is boot code only (440 bytes): the partition table after it stays as sfdisk wrote it
            copyAt(MBR, out, 0);
        }
        deleteTree(work);
    }

    private static void copyAt(Path source, FileChannel out, long offset) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
            long size = in.size();
            long done = 0;
            while (done < size) {
                done += in.transferTo(done, size - done, out.position(offset + done));
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static String initScript() throws IOException {
        try (InputStream in = TestGuest.class.getResourceAsStream("/test-guest/init")) {
            if (in == null) {
                throw new AssertionError("src/test/resources/test-guest/init is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

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

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(file);
            }
        }
    }
}

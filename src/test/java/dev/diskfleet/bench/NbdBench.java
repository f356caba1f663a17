package dev.diskfleet.bench;

import dev.diskfleet.nbd.ChainDevice;
import dev.diskfleet.nbd.Endpoint;
import dev.diskfleet.nbd.Export;
import dev.diskfleet.nbd.Exports;
import dev.diskfleet.nbd.NbdServer;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.Variant;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Diskfleet's NBD server against qemu-nbd on the same qcow2 chain (3 deep), with the same client
 * ({@code qemu-img bench} and {@code qemu-img convert} over a Unix socket), in one run:
 *
 * <pre>
 * mvn -q -B -o test-compile &amp;&amp; java -cp target/classes:target/test-classes dev.diskfleet.bench.NbdBench /work/nbdbench
 * </pre>
 *
 * <p>{@code -Dbench.reps=N} (default 3) timed runs per case and server, after one untimed warm-up; the two
 * servers alternate which goes first; medians are reported. CPU is user + system time of the server
 * process from {@code /proc/<pid>/stat} (for ours, the bench's own JVM, which only waits meanwhile).
 * Everything runs from the page cache: both servers use the host's cache (qemu-nbd's default
 * {@code --cache=writeback}). The work directory is emptied at the end.
 */
public final class NbdBench {

    private static final long DISK = 1L << 30;
    private static final int MIB = 1 << 20;
    /** 1 MiB + 4 KiB: consecutive 4 KiB requests land in different clusters all over the disk. */
    private static final String STRIDE = String.valueOf(MIB + 4096);
    private static final Pattern COMPLETED = Pattern.compile("Run completed in ([0-9.]+) seconds");

    private final Path work;
    private final Host host;
    private final int reps;
    private final ImageStore store;
    private final Path socket;
    private UUID top;

    private NbdBench(Path work, int reps) {
        this.work = work.toAbsolutePath();
        this.host = new Host(this.work);
        this.reps = reps;
        this.store = ImageStore.withDefaultFormats(this.work.resolve("store"));
        this.socket = this.work.resolve("bench.sock");
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "target/nbdbench");
        Files.createDirectories(work);
        NbdBench bench = new NbdBench(work, Integer.getInteger("bench.reps", 3));
        try {
            bench.run();
        } finally {
            bench.store.close();
            deleteTree(work);
        }
    }

    /** One server under test: started on the socket, serving {@code image} as export "disk". */
    private interface Server extends AutoCloseable {
        long cpuTicks();

        @Override
        void close();
    }

    /**
     * @param writes runs on a fresh empty overlay over the chain, made for each run
     * @param preallocate whether the same writes run once, untimed, before the timed run, so that the timed
     *     run rewrites clusters the overlay already holds (no allocation)
     */
    private record Case(String name, long bytesPerRun, Function<String, List<String>> client, boolean writes,
            boolean preallocate) {
    }

    private void run() throws Exception {
        buildChain();
        List<Case> cases = List.of(
                new Case("sequential 1 MiB reads, depth 16", 1000L * MIB,
                        uri -> bench(uri, "-c", "1000", "-d", "16", "-s", "1M", "-S", "1M"), false, false),
                new Case("strided 4 KiB reads, depth 32", 60000L * 4096,
                        uri -> bench(uri, "-c", "60000", "-d", "32", "-s", "4k", "-S", STRIDE), false, false),
                new Case("strided 4 KiB writes into a fresh overlay, depth 32", 20000L * 4096,
                        uri -> bench(uri, "-w", "-c", "20000", "-d", "32", "-s", "4k", "-S", STRIDE), true, false),
                new Case("strided 4 KiB rewrites of allocated clusters, depth 32", 20000L * 4096,
                        uri -> bench(uri, "-w", "-c", "20000", "-d", "32", "-s", "4k", "-S", STRIDE), true, true),
                new Case("qemu-img convert of the whole disk to qcow2", DISK,
                        uri -> List.of("qemu-img", "convert", "-f", "raw", "-O", "qcow2", uri,
                                work.resolve("copy.qcow2").toString()), false, false));
        System.out.printf(Locale.ROOT, "load average at start: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.println("| case | Diskfleet MB/s | qemu-nbd MB/s | ratio | Diskfleet CPU s | qemu-nbd CPU s |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Case c : cases) {
            measure(c);
        }
        System.out.printf(Locale.ROOT, "load average at end: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private void measure(Case c) throws Exception {
        List<double[]> ours = new ArrayList<>();
        List<double[]> theirs = new ArrayList<>();
        for (int rep = 0; rep <= reps; rep++) {
            boolean oursFirst = rep % 2 == 0;
            for (int side = 0; side < 2; side++) {
                boolean isOurs = (side == 0) == oursFirst;
                UUID image = c.writes() ? freshOverlay() : top;
                if (c.preallocate()) {
                    try (Server server = ourServer(image, true)) {
                        timeRun(c, server);
                    }
                }
                double[] result;
                try (Server server = isOurs ? ourServer(image, c.writes()) : qemuNbd(image, c.writes())) {
                    result = timeRun(c, server);
                }
                Files.deleteIfExists(work.resolve("copy.qcow2"));
                if (rep > 0) {
                    (isOurs ? ours : theirs).add(result);
                }
                if (c.writes()) {
                    store.delete(image);
                }
            }
        }
        double[] o = median(ours);
        double[] q = median(theirs);
        double mbOurs = c.bytesPerRun() / o[0] / 1e6;
        double mbTheirs = c.bytesPerRun() / q[0] / 1e6;
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %.2f | %.2f |%n", c.name(), mbOurs, mbTheirs,
                mbOurs / mbTheirs, o[1], q[1]);
    }

    /** {seconds, server CPU seconds}; seconds from qemu-img bench's own report, else wall time. */
    private double[] timeRun(Case c, Server server) {
        long cpuBefore = server.cpuTicks();
        long start = System.nanoTime();
        String output = host.run(c.client().apply("nbd+unix:///disk?socket=" + socket));
        double wall = (System.nanoTime() - start) / 1e9;
        double cpu = (server.cpuTicks() - cpuBefore) / 100.0;
        Matcher m = COMPLETED.matcher(output);
        return new double[] {m.find() ? Double.parseDouble(m.group(1)) : wall, cpu};
    }

    private static List<String> bench(String uri, String... args) {
        List<String> command = new ArrayList<>(List.of("qemu-img", "bench", "-f", "raw"));
        command.addAll(List.of(args));
        command.add(uri);
        return command;
    }

    private Server ourServer(UUID image, boolean writable) {
        Exports exports = new Exports();
        exports.add(new Export("disk", "bench", new ChainDevice(store.chainForNbdExport(image), writable)));
        NbdServer server = NbdServer.start(exports, Endpoint.unixSocket(socket));
        return new Server() {
            public long cpuTicks() {
                return ticks("self");
            }

            public void close() {
                store.chainForNbdExport(image).flush();
                server.close();
            }
        };
    }

    private Server qemuNbd(UUID image, boolean writable) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("qemu-nbd", "--socket=" + socket, "--format=qcow2",
                "--persistent", "--shared=8", "--export-name=disk"));
        if (!writable) {
            command.add("--read-only");
        }
        command.add(work.resolve("store").resolve(image + ".qcow2").toString());
        Files.deleteIfExists(socket);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("qemu-nbd.log").toFile()).start();
        for (int i = 0; i < 200 && !Files.exists(socket); i++) {
            Thread.sleep(25);
        }
        return new Server() {
            public long cpuTicks() {
                return ticks(String.valueOf(process.pid()));
            }

            public void close() {
                process.destroy();
                try {
                    process.waitFor();
                    Files.deleteIfExists(socket);
                } catch (InterruptedException | IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private static long ticks(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A qcow2 chain 3 deep over 1 GiB: 384 MiB of data in the base, scattered writes in the layers above. */
    private void buildChain() {
        UUID base = UUID.randomUUID();
        UUID middle = UUID.randomUUID();
        top = UUID.randomUUID();
        store.create(base, "qcow2", DISK, Variant.DYNAMIC);
        Random random = new Random(14);
        byte[] chunk = new byte[MIB];
        for (long at = 0; at < DISK; at += 8L * MIB) {
            for (int i = 0; i < 3; i++) {
                random.nextBytes(chunk);
                store.chainForNbdExport(base).write(at + (long) i * MIB, ByteBuffer.wrap(chunk));
            }
        }
        store.chainForNbdExport(base).flush();
        store.createDifferencing(middle, base);
        scatter(middle, random);
        store.createDifferencing(top, middle);
        scatter(top, random);
    }

    private void scatter(UUID image, Random random) {
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < 512; i++) {
            random.nextBytes(block);
            store.chainForNbdExport(image).write((long) random.nextInt((int) (DISK / block.length)) * block.length,
                    ByteBuffer.wrap(block));
        }
        store.chainForNbdExport(image).flush();
    }

    private UUID freshOverlay() {
        UUID overlay = UUID.randomUUID();
        store.createDifferencing(overlay, top);
        return overlay;
    }

    private static double[] median(List<double[]> runs) {
        List<double[]> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(r -> r[0]));
        return sorted.get(sorted.size() / 2);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

package dev.diskfleet.bench;

import dev.diskfleet.DiskfleetApplication;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.support.TemporaryDataDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The API-level bench: the service in this JVM (H2, storage root under {@code bench.dir}) against
 * qemu-img on the very same golden file, in one run, sides alternating which goes first.
 * <ol>
 *   <li>A fleet of {@code bench.size} (100) on an immutable golden (a linked fleet: no copy) through
 *   POST /api/fleets, against a bash loop of {@code qemu-img create -f qcow2 -b golden.vdi -F vdi}; the
 *   files each side adds to its directory are listed; none of ours may exceed 64 KiB.</li>
 *   <li>A clone through HTTP (POST /api/images/{id}/clone, to the operation's end) of the golden, a
 *   {@code bench.goldenGiB} (2) GiB VDI holding {@code bench.dataMiB} (256) MiB, against
 *   {@code qemu-img convert -t writeback} (which flushes, as our clone does) and qemu-img's default
 *   (cache mode unsafe: never flushes), each after {@code sync; echo 3 > /proc/sys/vm/drop_caches}.</li>
 * </ol>
 * One untimed warm-up round, then {@code bench.reps} (3) timed rounds; medians. Not a test: see
 * docs/fleet-benchmark.md for the command.
 */
public final class ApiBench {

    private static final long SMALL_FILE = 64 << 10;

    private final ApiClient api;
    private final Path storeDir;
    private final Path qemuDir;
    private final Host host;
    private final Map<String, List<Double>> results = new HashMap<>();

    private ApiBench(String base, String token, Path storeDir, Path qemuDir) {
        this.api = new ApiClient(base, token);
        this.storeDir = storeDir;
        this.qemuDir = qemuDir;
        this.host = new Host(qemuDir);
    }

    public static void main(String[] args) throws Exception {
        int reps = Integer.getInteger("bench.reps", 3);
        // The service is long-running: its steady state is what counts, so JIT warm-up rounds go untimed.
        int warmups = Integer.getInteger("bench.warmups", 3);
        int size = Integer.getInteger("bench.size", 100);
        long goldenBytes = Long.getLong("bench.goldenGiB", 2) << 30;
        int dataMiB = Integer.getInteger("bench.dataMiB", 256);
        Path dir = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")))
                .resolve("dfapi-" + UUID.randomUUID().toString().substring(0, 8)); // short: the NBD socket path lives under it
        Path qemuDir = Files.createDirectories(dir.resolve("qemu"));
        String token = UUID.randomUUID() + "-" + UUID.randomUUID();
        ConfigurableApplicationContext app = SpringApplication.run(DiskfleetApplication.class, "--server.port=0",
                "--diskfleet.data-dir=" + dir.resolve("service"), "--diskfleet.security.admin-token=" + token,
                "--logging.level.root=WARN");
        try {
            ImageStore store = app.getBean(ImageStore.class);
            ApiBench bench = new ApiBench("http://localhost:" + app.getEnvironment().getProperty("local.server.port"),
                    token, Path.of(app.getEnvironment().getRequiredProperty("diskfleet.storage.root")).toAbsolutePath()
                            .normalize(), qemuDir);
            System.out.println("host: " + bench.host.describe() + "; " + bench.host.qemuImgVersion());
            System.out.println("load average at start: " + bench.host.loadAverage());
            UUID golden = bench.golden(store, goldenBytes, dataMiB);
            for (int round = 1 - warmups; round <= reps; round++) {
                boolean timed = round > 0;
                boolean oursFirst = round % 2 == 1;
                bench.inOrder(oursFirst, () -> bench.fleet(golden, size, timed), () -> bench.qemuFleet(golden, size, timed));
                bench.inOrder(oursFirst, () -> bench.clone(golden, timed), () -> {
                    bench.qemuConvert(golden, true, timed);
                    bench.qemuConvert(golden, false, timed);
                });
            }
            System.out.println("load average at end: " + bench.host.loadAverage());
            bench.report(size, goldenBytes, dataMiB, reps, warmups);
        } finally {
            app.close();
            TemporaryDataDir.deleteTree(dir);
        }
    }

    /** The golden: a VDI written through the store (incompressible data spread evenly), then made immutable. */
    private UUID golden(ImageStore store, long size, int dataMiB) {
        UUID id = UUID.fromString(api.send("POST", "/api/images", "{\"name\":\"bench-golden\",\"sizeBytes\":" + size
                + ",\"format\":\"vdi\"}").get("id").asString());
        BenchData.spread(store, id, size, dataMiB);
        api.send("PATCH", "/api/images/" + id, "{\"type\":\"immutable\"}");
        return id;
    }

    private void fleet(UUID golden, int size, boolean timed) {
        Map<String, Long> before = fileSizes(storeDir);
        host.settle();
        double cpu = Host.ownCpuSeconds();
        long start = System.nanoTime();
        JsonNode operation = api.await(api.send("POST", "/api/fleets", "{\"name\":\"bench-" + UUID.randomUUID()
                + "\",\"goldenImageId\":\"" + golden + "\",\"size\":" + size + ",\"machineNamePrefix\":\"b"
                + UUID.randomUUID().toString().substring(0, 8) + "\",\"start\":false}"));
        double seconds = seconds(start);
        double cpuSeconds = Host.ownCpuSeconds() - cpu;
        JsonNode fleet = api.send("GET", operation.get("resourceUrl").asString(), null);
        if (!fleet.get("baseIsGolden").asBoolean()) {
            throw new IllegalStateException("the fleet cloned its immutable golden: " + fleet.get("baseImageId"));
        }
        List<Path> added = added(storeDir, before);
        record(timed, "fleet.ours.s", seconds);
        record(timed, "fleet.ours.cpu", cpuSeconds);
        newFiles(timed, "fleet.ours", added, size);
        api.await(api.send("DELETE", operation.get("resourceUrl").asString(), null));
    }

    private void qemuFleet(UUID golden, int size, boolean timed) {
        host.settle();
        long start = System.nanoTime();
        double cpu = host.runForCpuSeconds(List.of("bash", "-c", "for i in $(seq 1 " + size + "); do qemu-img create -q"
                + " -f qcow2 -b " + goldenFile(golden) + " -F vdi ov$i.qcow2; done"));
        double seconds = seconds(start);
        List<Path> added = added(qemuDir, Map.of());
        record(timed, "fleet.qemu.s", seconds);
        record(timed, "fleet.qemu.cpu", cpu);
        newFiles(timed, "fleet.qemu", added, size);
        added.forEach(ApiBench::delete);
    }

    private void clone(UUID golden, boolean timed) {
        host.settle();
        double cpu = Host.ownCpuSeconds();
        long start = System.nanoTime();
        JsonNode operation = api.await(api.send("POST", "/api/images/" + golden + "/clone",
                "{\"name\":\"bench-clone-" + UUID.randomUUID() + "\",\"format\":\"vdi\"}"));
        record(timed, "clone.ours.s", seconds(start));
        record(timed, "clone.ours.cpu", Host.ownCpuSeconds() - cpu);
        api.send("DELETE", operation.get("resourceUrl").asString(), null);
    }

    private void qemuConvert(UUID golden, boolean writeback, boolean timed) {
        host.settle();
        Path out = qemuDir.resolve("clone.vdi");
        List<String> command = new ArrayList<>(List.of("qemu-img", "convert"));
        if (writeback) {
            command.addAll(List.of("-t", "writeback"));
        }
        command.addAll(List.of("-f", "vdi", "-O", "vdi", goldenFile(golden).toString(), out.toString()));
        long start = System.nanoTime();
        double cpu = host.runForCpuSeconds(command);
        String side = writeback ? "clone.writeback" : "clone.default";
        record(timed, side + ".s", seconds(start));
        record(timed, side + ".cpu", cpu);
        delete(out);
    }

    /** Records how many files a side added, the largest, and what they occupy; one of ours over 64 KiB is fatal. */
    private void newFiles(boolean timed, String side, List<Path> added, int expected) {
        long largest = 0;
        for (Path file : added) {
            largest = Math.max(largest, size(file));
        }
        // the 64 KiB goal is ours; qemu-img's qcow2 overlays are recorded as they come
        if (added.size() != expected || side.endsWith("ours") && largest > SMALL_FILE) {
            throw new IllegalStateException(side + " added " + added.size() + " files, the largest " + largest + " bytes");
        }
        record(timed, side + ".largest", largest);
        record(timed, side + ".used", host.diskUsage(added));
    }

    private void report(int size, long goldenBytes, int dataMiB, int reps, int warmups) {
        System.out.printf("%nmedians of %d rounds (after %d untimed warm-up rounds); cache dropped before every run: %s%n",
                reps, warmups, host.cacheDropWorks());
        System.out.printf("%n| Fleet of %d on an immutable golden (%d GiB, %d MiB of data) | Diskfleet (API) | qemu-img create -b ×%d | ratio |%n",
                size, goldenBytes >> 30, dataMiB, size);
        System.out.println("|---|---:|---:|---:|");
        row("wall time", "fleet.ours.s", "fleet.qemu.s", "s");
        row("CPU (user + system)", "fleet.ours.cpu", "fleet.qemu.cpu", "s");
        row("largest new file", "fleet.ours.largest", "fleet.qemu.largest", "B");
        row("all new files on disk", "fleet.ours.used", "fleet.qemu.used", "B");
        System.out.printf("%n| Clone through HTTP of the %d GiB VDI holding %d MiB | Diskfleet (API) | qemu-img convert | ratio |%n",
                goldenBytes >> 30, dataMiB);
        System.out.println("|---|---:|---:|---:|");
        row("wall time vs -t writeback", "clone.ours.s", "clone.writeback.s", "s");
        row("wall time vs default (unsafe)", "clone.ours.s", "clone.default.s", "s");
        row("CPU vs -t writeback", "clone.ours.cpu", "clone.writeback.cpu", "s");
        System.out.println("\nall samples: " + results);
    }

    private void row(String label, String ours, String qemu, String unit) {
        double a = median(ours);
        double b = median(qemu);
        String format = unit.equals("s") ? "%.3f s" : "%.0f B";
        System.out.printf("| %s | %s | %s | %.2f |%n", label, String.format(format, a), String.format(format, b), a / b);
    }

    private double median(String metric) {
        List<Double> values = new ArrayList<>(results.getOrDefault(metric, List.of(Double.NaN)));
        values.sort(null);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    private void record(boolean timed, String metric, double value) {
        if (timed) {
            results.computeIfAbsent(metric, m -> new ArrayList<>()).add(value);
        }
    }

    private void inOrder(boolean oursFirst, Runnable ours, Runnable qemu) {
        (oursFirst ? ours : qemu).run();
        (oursFirst ? qemu : ours).run();
    }

    private Path goldenFile(UUID golden) {
        return storeDir.resolve(golden + ".vdi");
    }

    private static Map<String, Long> fileSizes(Path dir) {
        Map<String, Long> sizes = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(file -> sizes.put(file.getFileName().toString(), size(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sizes;
    }

    /** The files of {@code dir} that were not in {@code before}. */
    private static List<Path> added(Path dir, Map<String, Long> before) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> !before.containsKey(file.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}

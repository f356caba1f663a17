package dev.diskfleet.bench;

import dev.diskfleet.DiskfleetApplication;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.support.TemporaryDataDir;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Fleets on an immutable golden (linked: no copy, only the differencing disks) through POST /api/fleets,
 * the service in a JVM of its own, started afresh for every "first" figure, so that the first fleet after a
 * start meets the code as a restarted service has it. For each of {@code bench.starts} (3) starts of each
 * size: the first fleet, then {@code bench.warmups} (2) untimed and {@code bench.reps} (5; 3 for the large
 * size) timed warm fleets; each fleet is deleted again (untimed). Next to each fleet of {@code bench.size}
 * (100), in the same run and alternating which goes first, a bash loop of as many
 * {@code qemu-img create -q -f qcow2 -b golden.vdi -F vdi} on the same golden file; a fleet of
 * {@code bench.largeSize} (1,000) is timed on its own, with one qemu-img loop per start for scale. CPU is the
 * service process's (user + system, from /proc), per machine. Every run after
 * {@code sync; echo 3 > /proc/sys/vm/drop_caches} and a pause ({@link Host#settle}). Not a test: see
 * docs/fleet-benchmark.md for the command.
 */
public final class FleetBench {

    private static final String READY = "fleet-bench service ready ";

    private final Path dir;
    private final Path qemuDir;
    private final Host host;
    private final String token = UUID.randomUUID() + "-" + UUID.randomUUID();
    private final ResultTable results = new ResultTable();
    private final long clockTicks;
    private Service service;
    private ApiClient api;
    private UUID golden;

    private FleetBench(Path dir, Path qemuDir) {
        this.dir = dir;
        this.qemuDir = qemuDir;
        this.host = new Host(qemuDir);
        this.clockTicks = Long.parseLong(host.run("getconf", "CLK_TCK").trim());
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("service")) {
            serve(Path.of(args[1]), args[2], Long.parseLong(args[3]), Integer.parseInt(args[4]),
                    List.of(args).subList(5, args.length));
            return;
        }
        int starts = Integer.getInteger("bench.starts", 3);
        int warmups = Integer.getInteger("bench.warmups", 2);
        int small = Integer.getInteger("bench.size", 100);
        int large = Integer.getInteger("bench.largeSize", 1000);
        int reps = Integer.getInteger("bench.reps", 5);
        int largeReps = Integer.getInteger("bench.largeReps", 3);
        boolean largeQemu = Boolean.parseBoolean(System.getProperty("bench.largeQemu", "true"));
        Path dir = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")))
                .resolve("dffleet-" + UUID.randomUUID().toString().substring(0, 8)); // short: NBD sockets live under it
        FleetBench bench = new FleetBench(dir, Files.createDirectories(dir.resolve("qemu")));
        try {
            System.out.println("host: " + bench.host.describe() + "; " + bench.host.qemuImgVersion() + "; database: "
                    + BenchDatabase.describe());
            System.out.println("load average at start: " + bench.host.loadAverage());
            for (int start = 1; start <= starts; start++) {
                bench.round(small, warmups, reps, true, start % 2 == 1);
                bench.round(large, Math.min(1, warmups), largeReps, start == 1 && largeQemu, start % 2 == 0);
            }
            System.out.println("load average at end: " + bench.host.loadAverage());
            bench.report(small, large, starts, warmups, reps, largeReps);
        } finally {
            if (bench.service != null) {
                bench.service.stop();
            }
            TemporaryDataDir.deleteTree(dir);
            BenchDatabase.dropIfMade();
        }
    }

    /**
     * One start of the service: its first fleet of {@code size}, then warm ones. A fleet of 100 or fewer has a
     * qemu-img loop of its size next to every timed fleet; a larger one only next to its first, and only when
     * {@code qemuForFirst}. {@code oursFirst}: which side goes first for the first fleet.
     */
    private void round(int size, int warmups, int reps, boolean qemuForFirst, boolean oursFirst) {
        service = Service.start(dir, token, golden == null ? Long.getLong("bench.goldenGiB", 2) << 30 : 0,
                Integer.getInteger("bench.dataMiB", 256));
        golden = service.golden();
        api = new ApiClient(service.base(), token);
        boolean everyRun = size <= 100;
        String prefix = "fleet" + size;
        inOrder(oursFirst, () -> fleet(size, prefix + ".first", true),
                () -> qemuFleet(size, prefix + ".first.qemu", qemuForFirst || everyRun));
        for (int run = 1 - warmups; run <= reps; run++) {
            boolean timed = run > 0;
            inOrder(run % 2 == 0, () -> fleet(size, prefix + ".warm", timed),
                    () -> qemuFleet(size, prefix + ".warm.qemu", timed && everyRun));
        }
        service.stop();
        service = null;
    }

    private void fleet(int size, String metric, boolean timed) {
        host.settle();
        double cpu = service.cpuSeconds(clockTicks);
        long startedAt = System.currentTimeMillis();
        long start = System.nanoTime();
        JsonNode operation = api.await(api.send("POST", "/api/fleets", "{\"name\":\"bench-" + UUID.randomUUID()
                + "\",\"goldenImageId\":\"" + golden + "\",\"size\":" + size + ",\"machineNamePrefix\":\"b"
                + UUID.randomUUID().toString().substring(0, 8) + "\",\"start\":false}"));
        double seconds = seconds(start);
        double cpuSeconds = service.cpuSeconds(clockTicks) - cpu;
        // for matching a flight recording's events to the fleet (epoch milliseconds)
        System.out.println("window " + metric + " " + startedAt + " " + System.currentTimeMillis());
        JsonNode fleet = api.send("GET", operation.get("resourceUrl").asString() + "?size=1", null);
        if (!fleet.get("baseIsGolden").asBoolean() || fleet.get("size").asInt() != size) {
            throw new IllegalStateException("not a linked fleet of " + size + ": " + fleet);
        }
        if (timed) {
            record(metric + ".s", seconds);
            record(metric + ".cpuPerMachineMs", cpuSeconds * 1000 / size);
        }
        api.await(api.send("DELETE", operation.get("resourceUrl").asString(), null));
    }

    private void qemuFleet(int size, String metric, boolean timed) {
        if (!timed) {
            return;
        }
        host.settle();
        long start = System.nanoTime();
        double cpu = host.runForCpuSeconds(List.of("bash", "-c", "for i in $(seq 1 " + size + "); do qemu-img create -q"
                + " -f qcow2 -b " + dir.resolve("service/images").resolve(golden + ".vdi") + " -F vdi ov$i.qcow2; done"));
        record(metric + ".s", seconds(start));
        record(metric + ".cpuPerMachineMs", cpu * 1000 / size);
        try (Stream<Path> files = Files.list(qemuDir)) {
            files.forEach(ApiBench::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void report(int small, int large, int starts, int warmups, int reps, int largeReps) {
        System.out.printf("%nmedians; %d starts of the service per size; warm: %d untimed then %d (%d for %d) timed"
                + " per start; cache dropped before every run: %s%n", starts, warmups, reps, largeReps, large,
                host.cacheDropWorks());
        System.out.printf("%n| Fleet on an immutable golden | Diskfleet (API) | qemu-img create -b loop | ratio |%n");
        System.out.println("|---|---:|---:|---:|");
        for (String kind : List.of("first", "warm")) {
            row(small + ", " + kind + " after a start, wall time", "fleet" + small + "." + kind + ".s",
                    "fleet" + small + "." + kind + ".qemu.s", "%.3f s");
            row(small + ", " + kind + ", CPU per machine", "fleet" + small + "." + kind + ".cpuPerMachineMs",
                    "fleet" + small + "." + kind + ".qemu.cpuPerMachineMs", "%.2f ms");
        }
        for (String kind : List.of("first", "warm")) {
            row(large + ", " + kind + " after a start, wall time", "fleet" + large + "." + kind + ".s",
                    "fleet" + large + ".first.qemu.s", "%.3f s");
            row(large + ", " + kind + ", CPU per machine", "fleet" + large + "." + kind + ".cpuPerMachineMs",
                    "fleet" + large + ".first.qemu.cpuPerMachineMs", "%.2f ms");
        }
        System.out.println();
        for (String metric : List.of("fleet" + small + ".first.s", "fleet" + small + ".first.qemu.s", "fleet" + small
                + ".warm.s", "fleet" + small + ".warm.qemu.s", "fleet" + large + ".first.s", "fleet" + large + ".warm.s")) {
            System.out.println(metric + ": " + results.spread(metric));
        }
    }

    private void row(String label, String ours, String qemu, String format) {
        double a = results.median(ours);
        double b = results.median(qemu);
        System.out.printf("| %s | %s | %s | %.2f |%n", label, String.format(format, a), String.format(format, b), a / b);
    }

    private void record(String metric, double value) {
        results.add(metric, value);
    }

    private static void inOrder(boolean oursFirst, Runnable ours, Runnable qemu) {
        (oursFirst ? ours : qemu).run();
        (oursFirst ? qemu : ours).run();
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** The service in a JVM of its own ({@code bench.serviceJvmArgs}, e.g. a flight recording), on this bench's data folder. */
    private record Service(Process process, String base, UUID golden) {

        static Service start(Path dir, String token, long goldenBytes, int dataMiB) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path")));
            String jvmArgs = System.getProperty("bench.serviceJvmArgs", "");
            if (!jvmArgs.isBlank()) {
                command.addAll(List.of(jvmArgs.trim().split("\\s+")));
            }
            command.addAll(List.of(FleetBench.class.getName(), "service", dir.toString(), token,
                    Long.toString(goldenBytes), Integer.toString(dataMiB)));
            command.addAll(BenchDatabase.serviceArgs());
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = out.readLine()) != null && !line.startsWith(READY)) {
                    System.out.println("  service: " + line);
                }
                if (line == null) {
                    throw new IllegalStateException("the service exited with " + process.waitFor());
                }
                String[] ready = line.substring(READY.length()).split(" ");
                Thread drain = new Thread(() -> out.lines().forEach(l -> System.out.println("  service: " + l)));
                drain.setDaemon(true);
                drain.start();
                return new Service(process, "http://localhost:" + ready[0], UUID.fromString(ready[1]));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** User + system CPU seconds of the service process so far (fields 14 and 15 of /proc/PID/stat). */
        double cpuSeconds(long clockTicks) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) clockTicks;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void stop() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The child side: runs the service until its standard input closes; makes the golden on the first start. */
    private static void serve(Path dir, String token, long goldenBytes, int dataMiB, List<String> databaseArgs)
            throws IOException {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--diskfleet.data-dir=" + dir.resolve("service"),
                "--diskfleet.security.admin-token=" + token, "--logging.level.root=WARN"));
        args.addAll(databaseArgs);
        ConfigurableApplicationContext app = SpringApplication.run(DiskfleetApplication.class, args.toArray(String[]::new));
        try {
            Path goldenId = dir.resolve("golden-id");
            if (goldenBytes > 0) {
                Files.writeString(goldenId, makeGolden(app, token, goldenBytes, dataMiB).toString());
            }
            System.out.println(READY + app.getEnvironment().getProperty("local.server.port") + " "
                    + Files.readString(goldenId).trim());
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
        } finally {
            app.close();
        }
    }

    /** A VDI written through the store (incompressible data spread evenly), then made immutable over HTTP. */
    private static UUID makeGolden(ConfigurableApplicationContext app, String token, long size, int dataMiB) {
        ApiClient api = new ApiClient("http://localhost:" + app.getEnvironment().getProperty("local.server.port"), token);
        UUID id = UUID.fromString(api.send("POST", "/api/images", "{\"name\":\"bench-golden\",\"sizeBytes\":" + size
                + ",\"format\":\"vdi\"}").get("id").asString());
        BenchData.spread(app.getBean(ImageStore.class), id, size, dataMiB);
        api.send("PATCH", "/api/images/" + id, "{\"type\":\"immutable\"}");
        return id;
    }
}

package dev.diskfleet.bench;

import dev.diskfleet.domain.fleet.Fleet;
import static dev.diskfleet.bench.BenchData.BLOCK;
import static dev.diskfleet.bench.BenchData.CHILD_BLOCKS;
import static dev.diskfleet.bench.BenchData.DISK_SIZE;
import static dev.diskfleet.bench.BenchData.GOLDEN_BLOCKS;

import dev.diskfleet.storage.Chain;
import dev.diskfleet.storage.ImageFile;
import dev.diskfleet.storage.ImageStore;
import dev.diskfleet.storage.NewImage;
import dev.diskfleet.storage.Progress;
import dev.diskfleet.storage.Variant;
import dev.diskfleet.storage.vdi.VdiFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Diskfleet's storage engine against qemu-img, in one run on one machine: differencing images,
 * clones, chain reads and a fleet's storage side. Run it from the repository root:
 *
 * <pre>
 * mvn -q -B -o test-compile &amp;&amp; java -cp target/classes:target/test-classes dev.diskfleet.bench.StorageBench /work/benchdata
 * </pre>
 *
 * <p>The work directory gets about 7 GiB of sparse files and is emptied at the end. {@code -Dbench.reps=N}
 * sets the timed repetitions (default 5, each after one untimed warm-up); medians are reported. Before
 * every timed run dirty pages are written back and, where the kernel allows, the page cache is dropped.
 * The two sides alternate which goes first.
 */
public final class StorageBench {

    private static final int FLEET = 100;
    private static final int THREADS = 4;

    private final Path work;
    private final Path storeDir;
    private final Path qemuDir;
    private final int reps;
    private final Host host;
    private final ResultTable results = new ResultTable();
    private ImageStore store;
    private UUID golden;
    private UUID chainTop;
    private UUID goldenQcow2;
    private UUID chainTopQcow2;

    private StorageBench(Path work, int reps) {
        this.work = work.toAbsolutePath();
        this.storeDir = this.work.resolve("store");
        this.qemuDir = this.work.resolve("qemu");
        this.reps = reps;
        this.host = new Host(this.work);
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "/tmp/diskfleet-bench");
        Files.createDirectories(work);
        StorageBench bench = new StorageBench(work, Integer.getInteger("bench.reps", 5));
        try {
            bench.run();
        } finally {
            if (!Boolean.getBoolean("bench.keep")) {
                bench.cleanUp();
            }
        }
    }

    private void run() throws IOException {
        System.out.println("Machine: " + host.describe() + ", java " + System.getProperty("java.version"));
        System.out.println("qemu-img: " + host.qemuImgVersion());
        System.out.println("Work dir: " + work + " (" + host.freeSpace() + " free)");
        System.out.println("Load average at start: " + host.loadAverage());
        cleanUp();
        Files.createDirectories(storeDir);
        Files.createDirectories(qemuDir);
        long setup = System.nanoTime();
        buildGolden();
        buildChain();
        if (selected("qcow2")) {
            buildQcow2();
        }
        System.out.printf("Set-up: 10 GiB golden with %d MiB, chain child with %d MiB (%d blocks over golden data)"
                + " in %.1f s%n", GOLDEN_BLOCKS.length, CHILD_BLOCKS.length, BenchData.overlap(),
                (System.nanoTime() - setup) / 1e9);

        for (int rep = 0; rep <= reps; rep++) {
            boolean timed = rep > 0;
            boolean oursFirst = rep % 2 == 1;
            if (selected("diff")) {
                differencing(timed, oursFirst);
            }
            if (selected("clone")) {
                fullClone(timed, oursFirst);
            }
            if (selected("read")) {
                chainRead(timed, oursFirst, rep == 0);
            }
            if (selected("fleet")) {
                provisioning(timed, oursFirst);
            }
            if (selected("qcow2")) {
                qcow2Overlays(timed, oursFirst);
                qcow2Clone(timed, oursFirst);
                qcow2ChainRead(timed, oursFirst, rep == 0);
            }
            System.out.println(timed ? "repetition " + rep + " of " + reps + " done" : "warm-up done");
        }
        System.out.println("Load average at end: " + host.loadAverage());
        System.out.println("Page cache: " + (host.cacheDropWorks() ? "dropped before every timed run"
                : "not droppable; every run after the same warm-up"));
        System.out.println("Samples:");
        results.printSamples();
        System.out.println();
        System.out.println(table());
        System.out.println(LEGEND);
    }

    private static final String LEGEND = """
            What each side does (ours in this JVM, qemu-img as processes started from it):
            - Differencing: ImageStore.createDifferencing x100 (each built under a temporary name, fsync of the \
            file, atomic rename, fsync of the directory) vs a bash loop of `qemu-img create -q -f qcow2 -b \
            golden.qcow2 -F qcow2 ovN.qcow2` x100. Disk use is st_blocks x block size (stat -c '%b %B').
            - Clone: ImageStore.clone(golden, new, "vdi", DYNAMIC), which forces the new file and its directory \
            to disk before it returns (crash safety), vs `qemu-img convert -f vdi -O vdi golden.vdi clone.vdi`, \
            whose default output cache mode (unsafe) never flushes; the -t writeback row flushes at the end too.
            - Read: ImageStore.export(top, "raw", file) writes a sparse raw file (only what the chain holds is \
            read; chunks reading as zeros stay holes; not forced to disk) vs `qemu-img convert -f qcow2 -O raw \
            child.qcow2 out.raw` over a qcow2 chain holding the same bytes (outputs checked with qemu-img compare).
            - Fleet: ImageStore.clone to VDI, then 100 createDifferencing on the clone, vs `qemu-img convert -f \
            vdi -O qcow2 golden.vdi fleet-base.qcow2`, then 100 `qemu-img create -b fleet-base.qcow2`.
            - qcow2 (both sides on the same files; the golden qcow2 is ImageStore.clone of the golden VDI, the \
            chain's overlay is ours, written through ImageStore): createDifferencing x100 on the qcow2 golden vs \
            `qemu-img create -q -f qcow2 -b <golden>.qcow2 -F qcow2 ovN.qcow2` x100; ImageStore.clone(.., "qcow2") \
            vs `qemu-img convert -f qcow2 -O qcow2` (default and -t writeback; outputs checked with qemu-img \
            compare and check); ImageStore.export(top, "raw", file) vs `qemu-img convert -f qcow2 -O raw top.qcow2`.
            """;

    // ---- set-up --------------------------------------------------------------------------------------

    /** The golden VDI, written through our driver without barriers (set-up, not measured). */
    private void buildGolden() {
        golden = UUID.randomUUID();
        Path temp = storeDir.resolve(".golden.vdi.tmp");
        ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
        ImageFile file = new VdiFormat().create(temp, NewImage.base(golden, DISK_SIZE, Variant.DYNAMIC));
        try (Chain chain = new Chain(List.of(file))) {
            for (long block : GOLDEN_BLOCKS) {
                BenchData.fill(1, block, buf);
                chain.write(block * BLOCK, buf);
            }
            chain.flush();
        }
        move(temp, goldenVdi());
        store = ImageStore.withDefaultFormats(storeDir);
        host.run("qemu-img", "convert", "-f", "vdi", "-O", "qcow2", goldenVdi().toString(), "qemu/golden.qcow2");
    }

    /** The 2-deep chains: the same 100 MiB written into a VDI child (ours) and a qcow2 overlay (qemu's). */
    private void buildChain() throws IOException {
        chainTop = UUID.randomUUID();
        store.createDifferencing(chainTop, golden);
        host.run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "golden.qcow2", "-F", "qcow2", "qemu/child.qcow2");
        Path patterns = Files.createDirectories(work.resolve("patterns"));
        List<String> qemuIo = new ArrayList<>(List.of("qemu-io", "-f", "qcow2"));
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        for (long block : CHILD_BLOCKS) {
            BenchData.fill(2, block, buf);
            store.write(chainTop, block * BLOCK, buf.duplicate());
            Path pattern = patterns.resolve(block + ".bin");
            Files.write(pattern, buf.array());
            qemuIo.addAll(List.of("-c", "write -q -s " + pattern + " " + block * BLOCK + " 1M"));
        }
        qemuIo.add("qemu/child.qcow2");
        host.run(qemuIo);
    }

    /**
     * The qcow2 files both sides work on: a golden qcow2 holding the golden VDI's bytes (our clone of it)
     * and our overlay on it holding the chain child's 100 MiB, written through the store.
     */
    private void buildQcow2() {
        goldenQcow2 = UUID.randomUUID();
        store.clone(golden, goldenQcow2, "qcow2", Variant.DYNAMIC, Progress.NONE);
        chainTopQcow2 = UUID.randomUUID();
        store.createDifferencing(chainTopQcow2, goldenQcow2);
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        for (long block : CHILD_BLOCKS) {
            BenchData.fill(2, block, buf);
            store.write(chainTopQcow2, block * BLOCK, buf.duplicate());
        }
        host.run("qemu-img", "compare", "-q", "-f", "vdi", "-F", "qcow2", goldenVdi().toString(),
                qcow2(goldenQcow2).toString());
        host.run("qemu-img", "check", "-q", "-f", "qcow2", qcow2(chainTopQcow2).toString());
    }

    // ---- the measurements ----------------------------------------------------------------------------

    /**
     * 100 differencing images over the 10 GiB golden disk, one after another, then from
     * {@value #THREADS} threads at once (as a fleet could make them; {@code xargs -P} for qemu-img).
     */
    private void differencing(boolean timed, boolean oursFirst) {
        for (int threads : new int[] {1, THREADS}) {
            String metric = threads == 1 ? "diff" : "diff" + threads;
            Runnable ours = () -> {
                host.settle();
                List<Path> files = createFleet(golden, metric, timed, threads);
                record(timed, metric + " ours disk", host.diskUsage(files) / (double) FLEET);
                record(timed, metric + " ours length", host.length(files) / (double) FLEET);
                files.forEach(f -> store.delete(idOf(f)));
            };
            Runnable qemu = () -> {
                host.settle();
                List<Path> files = qemuFleet("golden.qcow2", metric, timed, threads);
                record(timed, metric + " qemu disk", host.diskUsage(files) / (double) FLEET);
                record(timed, metric + " qemu length", host.length(files) / (double) FLEET);
                files.forEach(StorageBench::delete);
            };
            inOrder(oursFirst, ours, qemu);
        }
    }

    /** A full clone of the golden VDI to a new dynamic VDI. */
    private void fullClone(boolean timed, boolean oursFirst) {
        Runnable ours = () -> {
            host.settle();
            UUID clone = UUID.randomUUID();
            double cpu = Host.ownCpuSeconds();
            long t = System.nanoTime();
            store.clone(golden, clone, "vdi", Variant.DYNAMIC, Progress.NONE);
            record(timed, "clone ours s", seconds(t));
            record(timed, "clone ours cpu", Host.ownCpuSeconds() - cpu);
            if (!timed) {
                host.run("qemu-img", "check", "-q", "-f", "vdi", vdi(clone).toString());
                host.run("qemu-img", "compare", "-q", "-f", "vdi", "-F", "vdi", vdi(clone).toString(),
                        goldenVdi().toString());
            }
            store.delete(clone);
        };
        Runnable qemu = () -> {
            for (String cache : List.of("default", "writeback")) {
                host.settle();
                List<String> command = new ArrayList<>(List.of("qemu-img", "convert", "-f", "vdi", "-O", "vdi"));
                if (cache.equals("writeback")) {
                    command.addAll(List.of("-t", "writeback"));
                }
                command.addAll(List.of(goldenVdi().toString(), "qemu/clone.vdi"));
                long t = System.nanoTime();
                double cpu = host.runForCpuSeconds(command);
                record(timed, "clone qemu " + cache + " s", seconds(t));
                record(timed, "clone qemu " + cache + " cpu", cpu);
                delete(qemuDir.resolve("clone.vdi"));
            }
        };
        inOrder(oursFirst, ours, qemu);
    }

    /** The whole virtual disk of the 2-deep chain, written out as a sparse raw file. */
    private void chainRead(boolean timed, boolean oursFirst, boolean verify) {
        chainRead("read", "chain read", chainTop, qemuDir.resolve("child.qcow2"), timed, oursFirst, verify);
    }

    /**
     * The same for one chain's top on both sides: ours exports it to a sparse raw file, qemu-img converts
     * {@code qemuSource} (the same data as a qcow2 chain) to raw; {@code metric} prefixes the samples.
     */
    private void chainRead(String metric, String label, UUID top, Path qemuSource, boolean timed, boolean oursFirst,
            boolean verify) {
        Path oursOut = work.resolve("ours.raw");
        Path qemuOut = qemuDir.resolve("read.raw");
        Runnable ours = () -> {
            host.settle();
            double cpu = Host.ownCpuSeconds();
            long t = System.nanoTime();
            store.export(top, "raw", oursOut);
            record(timed, metric + " ours s", seconds(t));
            record(timed, metric + " ours cpu", Host.ownCpuSeconds() - cpu);
        };
        Runnable qemu = () -> {
            host.settle();
            long t = System.nanoTime();
            double cpu = host.runForCpuSeconds(List.of("qemu-img", "convert", "-f", "qcow2", "-O", "raw",
                    qemuSource.toString(), qemuOut.toString()));
            record(timed, metric + " qemu s", seconds(t));
            record(timed, metric + " qemu cpu", cpu);
        };
        inOrder(oursFirst, ours, qemu);
        if (verify) {
            host.run("qemu-img", "compare", "-q", "-f", "raw", "-F", "raw", oursOut.toString(), qemuOut.toString());
            System.out.printf("%s: outputs identical (qemu-img compare); disk used ours %.1f MiB, qemu %.1f MiB%n",
                    label, host.diskUsage(List.of(oursOut)) / 1048576.0, host.diskUsage(List.of(qemuOut)) / 1048576.0);
        }
        delete(oursOut);
        delete(qemuOut);
    }

    /** A 100-machine fleet: clone of the golden disk, then one differencing disk per machine. */
    private void provisioning(boolean timed, boolean oursFirst) {
        Runnable ours = () -> {
            host.settle();
            UUID base = UUID.randomUUID();
            double cpu = Host.ownCpuSeconds();
            long t = System.nanoTime();
            store.clone(golden, base, "vdi", Variant.DYNAMIC, Progress.NONE);
            record(timed, "fleet ours clone s", seconds(t));
            List<Path> files = createFleet(base, "fleet", timed, 1);
            record(timed, "fleet ours total s", seconds(t));
            record(timed, "fleet ours total cpu", Host.ownCpuSeconds() - cpu);
            record(timed, "fleet ours disk", host.diskUsage(files));
            files.forEach(f -> store.delete(idOf(f)));
            store.delete(base);
        };
        Runnable qemu = () -> {
            host.settle();
            long t = System.nanoTime();
            double cpu = host.runForCpuSeconds(List.of("qemu-img", "convert", "-f", "vdi", "-O", "qcow2",
                    goldenVdi().toString(), "qemu/fleet-base.qcow2"));
            record(timed, "fleet qemu clone s", seconds(t));
            List<Path> files = qemuFleet("fleet-base.qcow2", "fleet", timed, 1);
            record(timed, "fleet qemu total s", seconds(t));
            record(timed, "fleet qemu total cpu", cpu + results.last("fleet qemu cpu", timed));
            record(timed, "fleet qemu disk", host.diskUsage(files));
            files.forEach(StorageBench::delete);
            delete(qemuDir.resolve("fleet-base.qcow2"));
        };
        inOrder(oursFirst, ours, qemu);
    }

    /** 100 qcow2 overlays over the 10 GiB qcow2 golden, ours and qemu-img's on the same base file. */
    private void qcow2Overlays(boolean timed, boolean oursFirst) {
        Runnable ours = () -> {
            host.settle();
            List<UUID> ids = Stream.generate(UUID::randomUUID).limit(FLEET).toList();
            double cpu = Host.ownCpuSeconds();
            long t = System.nanoTime();
            ids.forEach(id -> store.createDifferencing(id, goldenQcow2));
            record(timed, "q diff ours ms", (System.nanoTime() - t) / 1e6);
            record(timed, "q diff ours cpu", Host.ownCpuSeconds() - cpu);
            List<Path> files = ids.stream().map(this::qcow2).toList();
            record(timed, "q diff ours disk", host.diskUsage(files) / (double) FLEET);
            record(timed, "q diff ours length", host.length(files) / (double) FLEET);
            ids.forEach(store::delete);
        };
        Runnable qemu = () -> {
            host.settle();
            List<Path> files = qemuFleet(qcow2(goldenQcow2).toString(), "q diff", timed, 1);
            record(timed, "q diff qemu disk", host.diskUsage(files) / (double) FLEET);
            record(timed, "q diff qemu length", host.length(files) / (double) FLEET);
            files.forEach(StorageBench::delete);
        };
        inOrder(oursFirst, ours, qemu);
    }

    /** A full clone of the qcow2 golden (10 GiB holding 1 GiB) to a new qcow2. */
    private void qcow2Clone(boolean timed, boolean oursFirst) {
        Path source = qcow2(goldenQcow2);
        Runnable ours = () -> {
            host.settle();
            UUID clone = UUID.randomUUID();
            double cpu = Host.ownCpuSeconds();
            long t = System.nanoTime();
            store.clone(goldenQcow2, clone, "qcow2", Variant.DYNAMIC, Progress.NONE);
            record(timed, "q clone ours s", seconds(t));
            record(timed, "q clone ours cpu", Host.ownCpuSeconds() - cpu);
            if (!timed) {
                host.run("qemu-img", "check", "-q", "-f", "qcow2", qcow2(clone).toString());
                host.run("qemu-img", "compare", "-q", "-f", "qcow2", "-F", "qcow2", qcow2(clone).toString(),
                        source.toString());
                System.out.printf("qcow2 clone: identical to its source (qemu-img compare); disk used %.1f MiB%n",
                        host.diskUsage(List.of(qcow2(clone))) / 1048576.0);
            }
            store.delete(clone);
        };
        Runnable qemu = () -> {
            for (String cache : List.of("default", "writeback")) {
                host.settle();
                Path out = qemuDir.resolve("clone.qcow2");
                List<String> command = new ArrayList<>(List.of("qemu-img", "convert", "-f", "qcow2", "-O", "qcow2"));
                if (cache.equals("writeback")) {
                    command.addAll(List.of("-t", "writeback"));
                }
                command.addAll(List.of(source.toString(), out.toString()));
                long t = System.nanoTime();
                double cpu = host.runForCpuSeconds(command);
                record(timed, "q clone qemu " + cache + " s", seconds(t));
                record(timed, "q clone qemu " + cache + " cpu", cpu);
                if (!timed) {
                    host.run("qemu-img", "compare", "-q", "-f", "qcow2", "-F", "qcow2", out.toString(),
                            source.toString());
                }
                delete(out);
            }
        };
        inOrder(oursFirst, ours, qemu);
    }

    /** The whole virtual disk of the 2-deep qcow2 chain (our overlay), both sides on the same files. */
    private void qcow2ChainRead(boolean timed, boolean oursFirst, boolean verify) {
        chainRead("q read", "qcow2 chain read", chainTopQcow2, qcow2(chainTopQcow2), timed, oursFirst, verify);
    }

    /** {@value #FLEET} differencing images made in-process, one {@link ImageStore#createDifferencing} each. */
    private List<Path> createFleet(UUID parent, String metric, boolean timed, int threads) {
        List<UUID> ids = Stream.generate(UUID::randomUUID).limit(FLEET).toList();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double cpu = Host.ownCpuSeconds();
            long t = System.nanoTime();
            List<Future<?>> made = new ArrayList<>();
            for (UUID id : ids) {
                made.add(pool.submit(() -> store.createDifferencing(id, parent)));
            }
            for (Future<?> each : made) {
                each.get();
            }
            record(timed, metric + " ours ms", (System.nanoTime() - t) / 1e6);
            record(timed, metric + " ours cpu", Host.ownCpuSeconds() - cpu);
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("creating differencing images failed", e);
        } finally {
            pool.shutdown();
        }
        return ids.stream().map(this::vdi).toList();
    }

    /** {@value #FLEET} overlays made as a user would: a shell loop of qemu-img processes, or xargs -P. */
    private List<Path> qemuFleet(String base, String metric, boolean timed, int threads) {
        String create = "qemu-img create -q -f qcow2 -b " + base + " -F qcow2";
        long t = System.nanoTime();
        double cpu = host.runForCpuSeconds(List.of("bash", "-c", threads == 1
                ? "cd qemu && for i in $(seq 1 " + FLEET + "); do " + create + " ov$i.qcow2; done"
                : "cd qemu && seq 1 " + FLEET + " | xargs -P " + threads + " -I{} " + create + " ov{}.qcow2"));
        record(timed, metric + " qemu ms", (System.nanoTime() - t) / 1e6);
        record(timed, metric + " qemu cpu", cpu);
        List<Path> files = new ArrayList<>();
        for (int i = 1; i <= FLEET; i++) {
            files.add(qemuDir.resolve("ov" + i + ".qcow2"));
        }
        return files;
    }

    // ---- reporting -----------------------------------------------------------------------------------

    private String table() {
        ResultTable r = results;
        if (selected("diff")) {
            double diffOurs = r.median("diff ours ms") / FLEET;
            double diffQemu = r.median("diff qemu ms") / FLEET;
            r.note("100 differencing images over a 10 GiB base: per image", ResultTable.format(diffOurs, "ms"),
                    ResultTable.format(diffQemu, "ms") + " per `qemu-img create` process",
                    String.format("%.2f", diffOurs / diffQemu), "< 5 ms" + (diffOurs < 5 ? " — met" : " — **missed**"));
            double parallelOurs = r.median("diff" + THREADS + " ours ms") / FLEET;
            double parallelQemu = r.median("diff" + THREADS + " qemu ms") / FLEET;
            r.note("… the same from " + THREADS + " threads (`xargs -P " + THREADS + "` for qemu-img): per image",
                    ResultTable.format(parallelOurs, "ms"), ResultTable.format(parallelQemu, "ms"),
                    String.format("%.2f", parallelOurs / parallelQemu), "");
            r.row("… CPU time used for the 100 (user + system)", "diff ours cpu", "diff qemu cpu", "s", "", null);
            r.row("… CPU time used from " + THREADS + " threads", "diff" + THREADS + " ours cpu",
                    "diff" + THREADS + " qemu cpu", "s", "", null);
            r.row("… disk used per image (st_blocks)", "diff ours disk", "diff qemu disk", "KiB", "< 64 KiB",
                    r.median("diff ours disk") < 64 * 1024);
            r.row("… file length per image", "diff ours length", "diff qemu length", "KiB", "", null);
        }
        if (selected("clone")) {
            r.row("Full clone, 10 GiB VDI holding 1 GiB → VDI", "clone ours s", "clone qemu default s", "s",
                    "ratio ≤ 1.0",
                    r.median("clone ours s") <= r.median("clone qemu default s"));
            r.row("… vs `qemu-img convert -t writeback` (flushes its output, as our clone must)", "clone ours s",
                    "clone qemu writeback s", "s", "", null);
            r.row("… CPU time used (user + system), default qemu-img", "clone ours cpu", "clone qemu default cpu", "s",
                    "", null);
            r.row("… CPU time used, vs `-t writeback`", "clone ours cpu", "clone qemu writeback cpu", "s", "", null);
        }
        if (selected("read")) {
            r.row("Read 2-deep chain (10 GiB, 1 GiB base + 100 MiB child) → sparse raw file", "read ours s",
                    "read qemu s", "s", "ratio ≤ 1.0", r.median("read ours s") <= r.median("read qemu s"));
            r.row("… CPU time used (user + system)", "read ours cpu", "read qemu cpu", "s", "", null);
        }
        if (selected("fleet")) {
            r.row("Fleet of 100 from 10 GiB golden with 1 GiB: clone", "fleet ours clone s", "fleet qemu clone s", "s",
                    "",
                    null);
            double machinesOurs = r.median("fleet ours ms");
            double machinesQemu = r.median("fleet qemu ms");
            r.note("… 100 machines' differencing disks", ResultTable.format(machinesOurs, "ms"),
                    ResultTable.format(machinesQemu, "ms"), String.format("%.2f", machinesOurs / machinesQemu),
                    "< 1 s" + (machinesOurs < 1000 ? " — met" : " — **missed**"));
            r.row("… whole fleet (clone + 100 disks)", "fleet ours total s", "fleet qemu total s", "s", "", null);
            r.row("… CPU time used, whole fleet (user + system)", "fleet ours total cpu", "fleet qemu total cpu", "s",
                    "", null);
            r.row("… disk used by the 100 differencing disks", "fleet ours disk", "fleet qemu disk", "KiB",
                    "< 64 KiB per machine (6400 KiB)", r.median("fleet ours disk") < 64 * 1024 * FLEET);
        }
        if (selected("qcow2")) {
            qcow2Rows(r);
        }
        return r.render();
    }

    private static void qcow2Rows(ResultTable r) {
        double ours = r.median("q diff ours ms") / FLEET;
        double qemu = r.median("q diff qemu ms") / FLEET;
        r.note("qcow2: 100 overlays over a 10 GiB qcow2 base: per image", ResultTable.format(ours, "ms"),
                ResultTable.format(qemu, "ms") + " per `qemu-img create` process", String.format("%.2f", ours / qemu),
                "< 5 ms" + (ours < 5 ? " — met" : " — **missed**"));
        r.row("… CPU time used for the 100 (user + system)", "q diff ours cpu", "q diff qemu cpu", "s", "", null);
        r.row("… disk used per overlay (st_blocks)", "q diff ours disk", "q diff qemu disk", "KiB", "< 64 KiB",
                r.median("q diff ours disk") < 64 * 1024);
        r.row("… file length per overlay", "q diff ours length", "q diff qemu length", "KiB", "", null);
        r.row("qcow2: full clone, 10 GiB qcow2 holding 1 GiB → qcow2", "q clone ours s", "q clone qemu default s", "s",
                "ratio ≤ 1.0", r.median("q clone ours s") <= r.median("q clone qemu default s"));
        r.row("… vs `qemu-img convert -t writeback` (flushes its output, as our clone must)", "q clone ours s",
                "q clone qemu writeback s", "s", "", null);
        r.row("… CPU time used (user + system), default qemu-img", "q clone ours cpu", "q clone qemu default cpu", "s",
                "", null);
        r.row("… CPU time used, vs `-t writeback`", "q clone ours cpu", "q clone qemu writeback cpu", "s", "", null);
        r.row("qcow2: read 2-deep chain (1 GiB base + 100 MiB overlay) → sparse raw file", "q read ours s",
                "q read qemu s", "s", "ratio ≤ 1.0", r.median("q read ours s") <= r.median("q read qemu s"));
        r.row("… CPU time used (user + system)", "q read ours cpu", "q read qemu cpu", "s", "", null);
    }

    // ---- small helpers -------------------------------------------------------------------------------

    /**
     * {@code -Dbench.only=clone,read} runs only those measurements (diff, clone, read, fleet, qcow2); the
     * default runs all.
     */
    private static boolean selected(String phase) {
        String only = System.getProperty("bench.only", "");
        return only.isEmpty() || List.of(only.split(",")).contains(phase);
    }

    private void record(boolean timed, String metric, double value) {
        if (timed) {
            results.add(metric, value);
        }
    }

    private static void inOrder(boolean oursFirst, Runnable ours, Runnable qemu) {
        (oursFirst ? ours : qemu).run();
        (oursFirst ? qemu : ours).run();
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private Path goldenVdi() {
        return vdi(golden);
    }

    private Path vdi(UUID id) {
        return storeDir.resolve(id + ".vdi");
    }

    private Path qcow2(UUID id) {
        return storeDir.resolve(id + ".qcow2");
    }

    private static UUID idOf(Path file) {
        String name = file.getFileName().toString();
        return UUID.fromString(name.substring(0, name.indexOf('.')));
    }

    private void cleanUp() throws IOException {
        if (store != null) {
            store.close();
            store = null;
        }
        for (String dir : List.of("store", "qemu", "patterns", "ours.raw")) {
            Path path = work.resolve(dir);
            if (Files.exists(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(StorageBench::delete);
                }
            }
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

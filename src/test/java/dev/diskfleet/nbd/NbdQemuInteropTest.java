package dev.diskfleet.nbd;

import static dev.diskfleet.nbd.ExportedChain.MIB;
import static dev.diskfleet.nbd.ExportedChain.SIZE;
import static dev.diskfleet.nbd.ExportedChain.WRITTEN_END;
import static dev.diskfleet.support.QemuTools.qemuImg;
import static dev.diskfleet.support.QemuTools.qemuIo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.QemuTools;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Real NBD clients against our server: qemu-img, qemu-io and nbdinfo judge what they read and write
 * through an export of a storage chain. Each test names the command that judged it.
 */
class NbdQemuInteropTest {

    @TempDir
    Path root;
    @TempDir
    Path scratch;

    @BeforeEach
    void toolsAreInstalled() {
        QemuTools.require("qemu-img", "qemu-io");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vdi", "qcow2", "raw"})
    void qemuImgCompareFindsTheExportIdenticalToTheChain(String format) {
        try (ExportedChain chain = new ExportedChain(root, format)) {
            chain.export("disk", false);
            String out = qemuImg("compare", "-f", "raw", "-F", "raw", chain.uri("disk"),
                    chain.expectedRaw(scratch).toString());
            assertThat(out).contains("Images are identical");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vdi", "qcow2"})
    void qemuImgConvertFromTheExportIsIdenticalAndKeepsTheHoles(String format) throws Exception {
        try (ExportedChain chain = new ExportedChain(root, format)) {
            chain.export("disk", false);
            Path copy = scratch.resolve("copy.qcow2");
            qemuImg("convert", "-f", "raw", "-O", "qcow2", chain.uri("disk"), copy.toString());

            QemuTools.assertIdentical(copy, chain.expectedRaw(scratch));
            long copied = 0;
            for (JsonNode extent : new ObjectMapper().readTree(qemuImg("map", "--output=json", "-f", "qcow2",
                    copy.toString()))) {
                if (extent.get("data").asBoolean()) {
                    long start = extent.get("start").asLong();
                    long length = extent.get("length").asLong();
                    copied += length;
                    assertThat(start + length).as("data past the last write at %d", start).isLessThanOrEqualTo(WRITTEN_END);
                }
            }
            // BLOCK_STATUS told qemu-img where the holes are: it copied at most what the chain stores.
            long stored = new ChainDevice(chain.chain(), false).allocation(0, SIZE, Integer.MAX_VALUE).stream()
                    .filter(e -> !e.readsAsZeros()).mapToLong(Extent::length).sum();
            assertThat(copied).isPositive().isLessThanOrEqualTo(stored);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vdi", "qcow2"})
    void qemuIoWritesThroughAWritableExportLandInTheTopImageOnly(String format) {
        try (ExportedChain chain = new ExportedChain(root, format)) {
            Export export = chain.export("disk", true);
            byte[] middleBefore = readMiddle(chain);

            qemuIo("-f", "raw", "-c", "write -P 0xab 1048000 70000", "-c", "write -z 5M 1M", "-c", "flush",
                    chain.uri("disk"));

            byte[] written = chain.readThroughStore(1048000, 70000);
            byte[] pattern = new byte[70000];
            Arrays.fill(pattern, (byte) 0xab);
            assertThat(written).isEqualTo(pattern);
            assertThat(chain.readThroughStore(5 * MIB, MIB)).isEqualTo(new byte[MIB]);
            assertThat(readMiddle(chain)).as("the layer below the top").isEqualTo(middleBefore);
            assertThat(export.stats().bytesWritten()).isEqualTo(70000);
            if (format.equals("qcow2")) {
                QemuTools.assertCheckClean(chain.file(chain.top));
            }
            assertThat(chain.store.check(chain.top).isClean()).isTrue();
        }
    }

    @Test
    void aReadOnlyExportRefusesQemuIoWrites() {
        try (ExportedChain chain = new ExportedChain(root, "qcow2")) {
            chain.export("disk", false);
            QemuTools.Result result = QemuTools.run("qemu-io", "-f", "raw", "-c", "write -P 0xab 0 4096",
                    chain.uri("disk"));
            assertThat(result.exitCode()).as(result.output()).isNotZero();
            assertThat(chain.readThroughStore(0, 4096)).isEqualTo(Arrays.copyOf(chain.expected, 4096));
        }
    }

    @Test
    void manyClientsReadOneExportAtOnce() throws Exception {
        try (ExportedChain chain = new ExportedChain(root, "vdi")) {
            Export export = chain.export("disk", false);
            String expected = chain.expectedRaw(scratch).toString();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<QemuTools.Result>> runs = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    runs.add(pool.submit(() -> QemuTools.run("qemu-img", "compare", "-f", "raw", "-F", "raw",
                            chain.uri("disk"), expected)));
                }
                for (Future<QemuTools.Result> run : runs) {
                    QemuTools.Result result = run.get();
                    assertThat(result.exitCode()).as(result.output()).isZero();
                }
            } finally {
                pool.shutdown();
            }
            assertThat(export.stats().connectionsTotal()).isGreaterThanOrEqualTo(6);
            assertThat(export.stats().bytesRead()).isGreaterThanOrEqualTo(6L * WRITTEN_END / 2);
        }
    }

    @Test
    void nbdinfoListsTheExportsAndMapsTheHoles() throws Exception {
        QemuTools.require("nbdinfo");
        try (ExportedChain chain = new ExportedChain(root, "qcow2")) {
            chain.export("disk", false);
            chain.export("other", true);

            String list = QemuTools.run("nbdinfo", "--list", chain.uri("disk")).output();
            assertThat(list).contains("export=\"disk\"", "export=\"other\"");
            JsonNode info = new ObjectMapper().readTree(QemuTools.run("nbdinfo", "--json", chain.uri("disk")).output());
            JsonNode disk = info.get("exports").get(0);
            assertThat(disk.get("export-size").asLong()).isEqualTo(SIZE);
            assertThat(disk.get("is_read_only").asBoolean()).isTrue();
            assertThat(disk.get("block_size_preferred").asInt()).isEqualTo(4096);
            JsonNode map = new ObjectMapper().readTree(
                    QemuTools.run("nbdinfo", "--map", "--json", chain.uri("disk")).output());
            JsonNode last = map.get(map.size() - 1);
            assertThat(last.get("offset").asLong() + last.get("length").asLong()).isEqualTo(SIZE);
            assertThat(last.get("offset").asLong()).isLessThanOrEqualTo(WRITTEN_END);
            assertThat(last.get("description").asString()).isEqualTo("hole,zero");
        }
    }

    @Test
    void aRemovedExportDropsItsClientAndIsGone() throws Exception {
        try (ExportedChain chain = new ExportedChain(root, "qcow2")) {
            Export export = chain.export("disk", false);
            try (RawNbdClient client = RawNbdClient.connect(chain.socket)) {
                client.go("disk");
                assertThat(export.stats().clientsConnected()).isEqualTo(1);

                assertThat(chain.exports.remove("disk")).isTrue();

                assertThat(client.hungUp()).isTrue();
                assertThat(export.stats().clientsConnected()).isZero();
            }
            QemuTools.Result result = QemuTools.run("qemu-img", "info", chain.uri("disk"));
            assertThat(result.exitCode()).isNotZero();
            assertThat(chain.exports.find("disk")).isEmpty();
        }
    }

    @Test
    void aLoopbackTcpServerServesTheSameBytes() {
        try (ExportedChain chain = new ExportedChain(root, "qcow2");
                NbdServer tcp = NbdServer.start(chain.exports, Endpoint.loopbackTcp(0))) {
            chain.export("disk", false);
            assertThat(tcp.uri("disk")).matches("nbd://127\\.0\\.0\\.1:[0-9]+/disk");
            String out = qemuImg("compare", "-f", "raw", "-F", "raw", tcp.uri("disk"),
                    chain.expectedRaw(scratch).toString());
            assertThat(out).contains("Images are identical");
        }
    }

    private static byte[] readMiddle(ExportedChain chain) {
        ByteBuffer all = ByteBuffer.allocate(SIZE);
        chain.store.read(chain.middle, 0, all);
        return all.array();
    }
}

package dev.diskfleet.provisioning;

import dev.diskfleet.support.ProcessTest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.DiskfleetApplication;
import dev.diskfleet.support.DiskfleetClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A 3 GiB upload into the service running with a 256 MiB heap, in a JVM of its own (so the limit is
 * real, whatever heap the test JVM has). The body is generated on the fly: mostly zeros, with data
 * every 256 MiB, so no big file is needed on either side. An upload buffered in memory would end the
 * service with an OutOfMemoryError.
 */
@ProcessTest
class LargeUploadTest {

    private static final long SIZE = 3L << 30;
    private static final long DATA_EVERY = 256L << 20;
    private static final int DATA_LENGTH = 64 << 10;

    @TempDir
    Path data;

    private Process service;

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(20, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }

    @Test
    void threeGibUploadSucceedsInAServiceWithA256MibHeap() throws Exception {
        int port = freePort();
        Path log = data.resolve("service.log");
        service = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                DiskfleetApplication.class.getName(), "--server.port=" + port, "--diskfleet.data-dir=" + data,
                "--diskfleet.security.admin-token=" + DiskfleetClient.TEST_ADMIN_TOKEN,
                "--spring.main.banner-mode=off"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitHealthy(port, log);

        HttpClient http = HttpClient.newHttpClient();
        HttpRequest upload = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/images/uploads?name=big&type=immutable"))
                .header("Content-Type", "application/octet-stream")
                .header("Authorization", "Bearer " + DiskfleetClient.TEST_ADMIN_TOKEN)
                .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(GeneratedDisk::new), SIZE))
                .timeout(Duration.ofMinutes(5))
                .build();
        var reply = http.send(upload, BodyHandlers.ofString());
        assertThat(reply.statusCode()).as(reply.body() + "\n" + tail(log)).isEqualTo(201);
        JsonNode image = JsonMapper.builder().build().readTree(reply.body());
        assertThat(image.path("sizeBytes").asLong()).isEqualTo(SIZE);
        assertThat(image.path("format").asString()).isEqualTo("raw");
        assertThat(service.isAlive()).as("the service survived the upload").isTrue();

        long offset = 2 * DATA_EVERY + 1000;
        byte[] piece = new DiskfleetClient(port).get("/api/images/" + image.path("id").asString() + "/content",
                "Range", "bytes=" + offset + "-" + (offset + 9999)).expect(206).bytes();
        byte[] expected = new byte[10_000];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = GeneratedDisk.byteAt(offset + i);
        }
        assertThat(Arrays.mismatch(piece, expected)).isEqualTo(-1);
    }

    /** The disk as a stream: position p holds byteAt(p), computed, never stored. */
    static final class GeneratedDisk extends InputStream {

        private long position;

        static byte byteAt(long position) {
            if (position % DATA_EVERY >= DATA_LENGTH) {
                return 0;
            }
            return (byte) (position * 31 + (position >>> 11) + 1);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (position >= SIZE) {
                return -1;
            }
            int n = (int) Math.min(length, SIZE - position);
            Arrays.fill(buffer, offset, offset + n, (byte) 0);
            long end = position + n;
            for (long window = position / DATA_EVERY * DATA_EVERY; window < end; window += DATA_EVERY) {
                for (long p = Math.max(position, window); p < Math.min(end, window + DATA_LENGTH); p++) {
                    buffer[offset + (int) (p - position)] = byteAt(p);
                }
            }
            position = end;
            return n;
        }
    }

    private void awaitHealthy(int port, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new AssertionError("the service exited: " + tail(log));
            }
            try {
                if (http.send(health, BodyHandlers.ofString()).body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the service did not become healthy: " + tail(log));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

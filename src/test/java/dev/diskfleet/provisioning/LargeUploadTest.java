package dev.diskfleet.provisioning;

import dev.diskfleet.support.ProcessTest;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient;
import dev.diskfleet.support.ServiceProcess;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

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

    private ServiceProcess service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void threeGibUploadSucceedsInAServiceWithA256MibHeap() throws Exception {
        service = ServiceProcess.on(data).settings("-Xmx256m", "-XX:+ExitOnOutOfMemoryError").start();

        DiskfleetClient.Reply reply = service.api().upload("POST", "/api/images/uploads?name=big&type=immutable",
                BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(GeneratedDisk::new), SIZE),
                "Content-Type", "application/octet-stream");
        assertThat(reply.status()).as(reply.text() + "\n" + ServiceProcess.tail(service.log())).isEqualTo(201);
        JsonNode image = reply.json();
        assertThat(image.path("sizeBytes").asLong()).isEqualTo(SIZE);
        assertThat(image.path("format").asString()).isEqualTo("raw");
        assertThat(service.isAlive()).as("the service survived the upload").isTrue();

        long offset = 2 * DATA_EVERY + 1000;
        byte[] piece = service.api().get("/api/images/" + image.path("id").asString() + "/content",
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
}

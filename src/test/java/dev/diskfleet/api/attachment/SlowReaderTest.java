package dev.diskfleet.api.attachment;

import static dev.diskfleet.support.DiskfleetClient.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.FullStackTest;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A client that reads a guest's disk slowly holds nothing: while a 64 MiB read waits on a client that does
 * not take its bytes, a snapshot of the machine is taken at once (it waited 30 s and answered 409 while a
 * read held the machine's lock for its whole length), and the read then goes on to the end.
 */
class SlowReaderTest extends FullStackTest {

    @Test
    void aSnapshotIsNotHeldOffByAClientReadingTheDiskSlowly() throws Exception {
        UUID image = UUID.fromString(api.post("/api/images", body("name", unique("slow-read"), "sizeBytes", 64L << 20))
                .expect(201).json().path("id").asString());
        UUID machine = createMachine(unique("slow-reader"));
        UUID attachment = id(attached(machine, image, 0), "id");
        written(machine, attachment, (64L << 20) - 512, pattern(7, 512));

        HttpResponse<InputStream> slow = api.stream(dataPath(machine, attachment));
        try (InputStream body = slow.body()) {
            assertThat(slow.statusCode()).isEqualTo(200);
            assertThat(body.readNBytes(4096)).hasSize(4096); // the read has started, then the client stalls
            long started = System.nanoTime();
            api.post("/api/machines/" + machine + "/snapshots", body("name", "while-read")).expect(201);
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            assertThat(seconds).as("seconds the snapshot waited for the slow reader").isLessThan(10);

            byte[] rest = body.readAllBytes();
            assertThat(rest).as("the rest of the disk, read after the snapshot").hasSize((64 << 20) - 4096);
            assertThat(java.util.Arrays.copyOfRange(rest, rest.length - 512, rest.length)).isEqualTo(pattern(7, 512));
        }
    }
}

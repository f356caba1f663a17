package dev.diskfleet.attachment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.MachineApiTestSupport;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading and writing a guest's disk over HTTP: ranges, their errors, and where writes land. */
class GuestDiskIoTest extends MachineApiTestSupport {

    private static final byte[] SEED = pattern(21, 2 << 20);

    private UUID machine;
    private UUID attachment;

    @BeforeEach
    void seededDisk() {
        machine = createMachine();
        attachment = id(attached(machine, createImage("normal"), 0), "id");
        written(machine, attachment, 0, SEED);
    }

    private HttpResponse<byte[]> getRange(String range) {
        HttpRequest.Builder builder = request(dataPath(machine, attachment)).GET();
        if (range != null) {
            builder.header("Range", range);
        }
        return sendForBytes(builder.build());
    }

    private HttpResponse<String> getRangeProblem(String range) {
        return send(request(dataPath(machine, attachment)).header("Range", range).GET().build());
    }

    private HttpResponse<String> put(String contentRange, byte[] body) {
        HttpRequest.Builder builder = request(dataPath(machine, attachment))
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentRange != null) {
            builder.header("Content-Range", contentRange);
        }
        return send(builder.build());
    }

    private static byte[] expectedDisk() {
        return Arrays.copyOf(SEED, (int) DISK_SIZE);
    }

    @Test
    void withoutARangeTheWholeDiskIsStreamed() {
        HttpResponse<byte[]> whole = getRange(null);

        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValueAsLong("Content-Length")).hasValue(DISK_SIZE);
        assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(whole.body()).isEqualTo(expectedDisk());
    }

    @Test
    void eachFormOfRangeGives206WithItsContentRange() {
        byte[] disk = expectedDisk();
        HttpResponse<byte[]> middle = getRange("bytes=1048000-1049000");
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(middle.headers().firstValue("Content-Range")).hasValue("bytes 1048000-1049000/" + DISK_SIZE);
        assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(disk, 1048000, 1049001));

        HttpResponse<byte[]> tail = getRange("bytes=-100");
        assertThat(tail.headers().firstValue("Content-Range")).hasValue("bytes " + (DISK_SIZE - 100) + "-"
                + (DISK_SIZE - 1) + "/" + DISK_SIZE);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(disk, (int) DISK_SIZE - 100, (int) DISK_SIZE));

        HttpResponse<byte[]> from = getRange("bytes=" + (DISK_SIZE - 10) + "-");
        assertThat(from.body()).hasSize(10);

        HttpResponse<byte[]> clipped = getRange("bytes=" + (DISK_SIZE - 5) + "-" + (DISK_SIZE + 1000));
        assertThat(clipped.statusCode()).isEqualTo(206);
        assertThat(clipped.headers().firstValue("Content-Range")).hasValue("bytes " + (DISK_SIZE - 5) + "-"
                + (DISK_SIZE - 1) + "/" + DISK_SIZE);
    }

    @Test
    void aRangePastTheEndIs416WithTheDiskSize() {
        HttpResponse<String> refused = getRangeProblem("bytes=" + DISK_SIZE + "-");

        assertProblem(refused, 416, "range-not-satisfiable", String.valueOf(DISK_SIZE));
        assertThat(refused.headers().firstValue("Content-Range")).hasValue("bytes */" + DISK_SIZE);
        assertProblem(getRangeProblem("bytes=-0"), 416, "range-not-satisfiable");
    }

    @Test
    void aRangeThatIsNotOneValidByteRangeIsIgnoredAndTheWholeDiskSent() {
        for (String ignored : new String[] {"bytes=9-3", "sectors=0-1", "bytes=0-1,5-9", "bytes=99999999999999999999-",
            "bytes=a-b"}) {
            HttpResponse<byte[]> whole = getRange(ignored);
            assertThat(whole.statusCode()).as(ignored).isEqualTo(200);
            assertThat(whole.headers().firstValue("Content-Range")).as(ignored).isEmpty();
            assertThat(whole.body()).as(ignored).isEqualTo(expectedDisk());
        }
    }

    @Test
    void anIfRangeNeverMatchesSoTheWholeDiskIsSent() {
        HttpResponse<byte[]> whole = sendForBytes(request(dataPath(machine, attachment)).header("Range", "bytes=0-9")
                .header("If-Range", "\"garbage\"").GET().build());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(expectedDisk());
    }

    @Test
    void aWriteLandsAtItsRangeAcrossABlockBoundaryAndMayNameTheDiskSize() {
        byte[] data = pattern(22, 3000);
        long offset = (1 << 20) - 1234;
        HttpResponse<String> written = put("bytes " + offset + "-" + (offset + data.length - 1) + "/" + DISK_SIZE, data);

        assertThat(written.statusCode()).as(written.body()).isEqualTo(204);
        byte[] expected = expectedDisk();
        System.arraycopy(data, 0, expected, (int) offset, data.length);
        assertThat(getRange(null).body()).isEqualTo(expected);
    }

    @Test
    void aWriteOutsideTheDiskIs416AndWritesNothing() {
        assertProblem(put("bytes " + (DISK_SIZE - 2) + "-" + (DISK_SIZE + 1) + "/*", new byte[4]), 416,
                "range-not-satisfiable", "ends past the end");
        assertProblem(put("bytes 0-3/" + (DISK_SIZE * 2), new byte[4]), 416, "range-not-satisfiable",
                "this disk is " + DISK_SIZE);
        assertThat(getRange(null).body()).isEqualTo(expectedDisk());
    }

    @Test
    void aWriteWithoutAUsableContentRangeIs400() {
        assertProblem(put(null, new byte[4]), 400, "malformed-range", "Content-Range header is required");
        assertProblem(put("bytes=0-3", new byte[4]), 400, "malformed-range", "bytes first-last/*");
        assertProblem(put("bytes 3-0/*", new byte[4]), 400, "malformed-range", "ends before it starts");
    }

    @Test
    void aBodyOfTheWrongLengthIsRefused() {
        assertProblem(put("bytes 0-9/*", new byte[5]), 400, "body-length-mismatch", "nothing was written");
        assertThat(getRange("bytes=0-9").body()).isEqualTo(Arrays.copyOf(SEED, 10));

        HttpResponse<String> shortChunked = send(request(dataPath(machine, attachment))
                .header("Content-Type", "application/octet-stream").header("Content-Range", "bytes 0-9/*")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[5]))).build());
        assertProblem(shortChunked, 400, "body-length-mismatch", "ended after 5 of the 10 bytes", "nothing was written");
        assertThat(getRange("bytes=0-9").body()).as("nothing of the short body was applied")
                .isEqualTo(Arrays.copyOf(SEED, 10));
    }

    @Test
    void oneWriteIsBoundedTo256MiB() {
        HttpResponse<String> created = post("/api/images", "{\"name\":\"" + unique("big") + "\",\"sizeBytes\":"
                + (1L << 30) + "}");
        assertThat(created.statusCode()).isEqualTo(201);
        UUID bigMachine = createMachine();
        UUID bigAttachment = id(attached(bigMachine, id(json(created), "id"), 0), "id");

        HttpResponse<String> refused = send(request(dataPath(bigMachine, bigAttachment))
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", "bytes 0-" + (256L << 20) + "/*")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[16])).build());

        assertProblem(refused, 413, "write-too-large", "at most " + (256L << 20) + " bytes", "several PUTs");
    }

    @Test
    void aFormEncodedBodyIsRefusedWith415() {
        HttpResponse<String> refused = send(request(dataPath(machine, attachment))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Content-Range", "bytes 0-3/*")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[4])).build());

        assertThat(refused.statusCode()).isEqualTo(415);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void anUnknownAttachmentIs404() {
        UUID missing = UUID.randomUUID();
        HttpResponse<String> refused = send(request(dataPath(machine, missing)).GET().build());
        assertProblem(refused, 404, "not-found", missing.toString());
    }
}

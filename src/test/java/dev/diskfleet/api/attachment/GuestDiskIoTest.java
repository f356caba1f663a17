package dev.diskfleet.api.attachment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FullStackTest;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading and writing a guest's disk over HTTP: ranges, their errors, and where writes land. */
class GuestDiskIoTest extends FullStackTest {

    private static final byte[] SEED = pattern(21, 2 << 20);

    private UUID machine;
    private UUID attachment;

    @BeforeEach
    void seededDisk() {
        machine = createMachine();
        attachment = id(attached(machine, createImage("normal"), 0), "id");
        written(machine, attachment, 0, SEED);
    }

    private Reply getRange(String range) {
        String path = dataPath(machine, attachment);
        return range == null ? api.get(path) : api.get(path, "Range", range);
    }

    private Reply put(String contentRange, byte[] body) {
        return put(dataPath(machine, attachment), contentRange, "application/octet-stream",
                BodyPublishers.ofByteArray(body));
    }

    private Reply put(String path, String contentRange, String contentType, BodyPublisher body) {
        return contentRange == null ? api.upload("PUT", path, body, "Content-Type", contentType)
                : api.upload("PUT", path, body, "Content-Type", contentType, "Content-Range", contentRange);
    }

    private static byte[] expectedDisk() {
        return Arrays.copyOf(SEED, (int) DISK_SIZE);
    }

    @Test
    void withoutARangeTheWholeDiskIsStreamed() {
        Reply whole = getRange(null);

        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.response().headers().firstValueAsLong("Content-Length")).hasValue(DISK_SIZE);
        assertThat(whole.header("Accept-Ranges")).hasValue("bytes");
        assertThat(whole.bytes()).isEqualTo(expectedDisk());
    }

    @Test
    void eachFormOfRangeGives206WithItsContentRange() {
        byte[] disk = expectedDisk();
        Reply middle = getRange("bytes=1048000-1049000");
        assertThat(middle.status()).isEqualTo(206);
        assertThat(middle.header("Content-Range")).hasValue("bytes 1048000-1049000/" + DISK_SIZE);
        assertThat(middle.bytes()).isEqualTo(Arrays.copyOfRange(disk, 1048000, 1049001));

        Reply tail = getRange("bytes=-100");
        assertThat(tail.header("Content-Range")).hasValue("bytes " + (DISK_SIZE - 100) + "-"
                + (DISK_SIZE - 1) + "/" + DISK_SIZE);
        assertThat(tail.bytes()).isEqualTo(Arrays.copyOfRange(disk, (int) DISK_SIZE - 100, (int) DISK_SIZE));

        Reply from = getRange("bytes=" + (DISK_SIZE - 10) + "-");
        assertThat(from.bytes()).hasSize(10);

        Reply clipped = getRange("bytes=" + (DISK_SIZE - 5) + "-" + (DISK_SIZE + 1000));
        assertThat(clipped.status()).isEqualTo(206);
        assertThat(clipped.header("Content-Range")).hasValue("bytes " + (DISK_SIZE - 5) + "-"
                + (DISK_SIZE - 1) + "/" + DISK_SIZE);
    }

    @Test
    void aRangePastTheEndIs416WithTheDiskSize() {
        Reply refused = getRange("bytes=" + DISK_SIZE + "-");

        assertProblem(refused, 416, "range-not-satisfiable", String.valueOf(DISK_SIZE));
        assertThat(refused.header("Content-Range")).hasValue("bytes */" + DISK_SIZE);
        assertProblem(getRange("bytes=-0"), 416, "range-not-satisfiable");
    }

    @Test
    void aMalformedRangeIs400() {
        assertProblem(getRange("bytes=9-3"), 400, "malformed-range", "ends before it starts");
        assertProblem(getRange("sectors=0-1"), 400, "malformed-range", "bytes=first-last");
        assertProblem(getRange("bytes=0-1,5-9"), 400, "malformed-range", "one range per request");
        assertProblem(getRange("bytes=99999999999999999999-"), 400, "malformed-range");
    }

    @Test
    void aWriteLandsAtItsRangeAcrossABlockBoundaryAndMayNameTheDiskSize() {
        byte[] data = pattern(22, 3000);
        long offset = (1 << 20) - 1234;
        Reply written = put("bytes " + offset + "-" + (offset + data.length - 1) + "/" + DISK_SIZE, data);

        assertThat(written.status()).as(written.text()).isEqualTo(204);
        byte[] expected = expectedDisk();
        System.arraycopy(data, 0, expected, (int) offset, data.length);
        assertThat(getRange(null).bytes()).isEqualTo(expected);
    }

    @Test
    void aWriteOutsideTheDiskIs416AndWritesNothing() {
        assertProblem(put("bytes " + (DISK_SIZE - 2) + "-" + (DISK_SIZE + 1) + "/*", new byte[4]), 416,
                "range-not-satisfiable", "ends past the end");
        assertProblem(put("bytes 0-3/" + (DISK_SIZE * 2), new byte[4]), 416, "range-not-satisfiable",
                "this disk is " + DISK_SIZE);
        assertThat(getRange(null).bytes()).isEqualTo(expectedDisk());
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
        assertThat(getRange("bytes=0-9").bytes()).isEqualTo(Arrays.copyOf(SEED, 10));

        Reply shortChunked = put(dataPath(machine, attachment), "bytes 0-9/*", "application/octet-stream",
                BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[5])));
        assertProblem(shortChunked, 400, "body-length-mismatch", "ended after 5 of the 10 bytes");
    }

    @Test
    void oneWriteIsBoundedTo256MiB() {
        Reply created = api.post("/api/images", "{\"name\":\"" + unique("big") + "\",\"sizeBytes\":"
                + (1L << 30) + "}");
        assertThat(created.status()).isEqualTo(201);
        UUID bigMachine = createMachine();
        UUID bigAttachment = id(attached(bigMachine, id(created.json(), "id"), 0), "id");

        Reply refused = put(dataPath(bigMachine, bigAttachment), "bytes 0-" + (256L << 20) + "/*",
                "application/octet-stream", BodyPublishers.ofByteArray(new byte[16]));

        assertProblem(refused, 413, "write-too-large", "at most " + (256L << 20) + " bytes", "several PUTs");
    }

    @Test
    void aFormEncodedBodyIsRefusedWith415() {
        Reply refused = put(dataPath(machine, attachment), "bytes 0-3/*", "application/x-www-form-urlencoded",
                BodyPublishers.ofByteArray(new byte[4]));

        assertThat(refused.status()).isEqualTo(415);
        assertThat(refused.header("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void anUnknownAttachmentIs404() {
        UUID missing = UUID.randomUUID();
        Reply refused = api.get(dataPath(machine, missing));
        assertProblem(refused, 404, "not-found", missing.toString());
    }
}

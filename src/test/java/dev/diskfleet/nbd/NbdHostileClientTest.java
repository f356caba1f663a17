package dev.diskfleet.nbd;

import static dev.diskfleet.nbd.ExportedChain.SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that break the protocol get a clean disconnect or a proper error, the server keeps serving
 * others, and no request touches a byte outside the export. A hand-driven client sends the bytes.
 */
@Timeout(30)
class NbdHostileClientTest {

    private static final int OPT_GO = 7;
    private static final int REP_ACK = 1;
    private static final int REP_ERR_UNSUP = 0x80000001;
    private static final int REP_ERR_INVALID = 0x80000003;
    private static final int REP_ERR_UNKNOWN = 0x80000006;
    private static final int EPERM = 1;
    private static final int EINVAL = 22;
    private static final int ENOSPC = 28;

    @TempDir
    Path root;
    private ExportedChain chain;
    private Map<UUID, Long> fileSizesBefore;

    @BeforeEach
    void serveAChain() {
        chain = new ExportedChain(root, "vdi");
        chain.export("ro", false);
        chain.export("rw", true);
        fileSizesBefore = fileSizes();
    }

    @AfterEach
    void stop() {
        chain.close();
    }

    @Test
    void theSocketIsOnlyForItsOwner() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(chain.socket))).isEqualTo("rw-------");
    }

    @Test
    void aTruncatedHandshakeIsDroppedAndOthersAreStillServed() throws IOException {
        try (RawNbdClient quitter = RawNbdClient.connect(chain.socket)) {
            quitter.send(ByteBuffer.wrap(new byte[] {0, 0}));
        }
        try (RawNbdClient halfOption = RawNbdClient.connect(chain.socket)) {
            halfOption.clientFlags(3);
            halfOption.send(ByteBuffer.allocate(10).putLong(RawNbdClient.IHAVEOPT).flip());
        }
        assertGoodClientIsServed();
    }

    @Test
    void unknownClientFlagsEndTheConnection() throws IOException {
        try (RawNbdClient client = RawNbdClient.connect(chain.socket)) {
            client.clientFlags(0x80);
            assertThat(client.hungUp()).isTrue();
        }
    }

    @Test
    void garbageInsteadOfAnOptionEndsTheConnection() throws IOException {
        try (RawNbdClient client = RawNbdClient.connect(chain.socket)) {
            client.clientFlags(3);
            client.send(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes()));
            assertThat(client.hungUp()).isTrue();
        }
        assertGoodClientIsServed();
    }

    @Test
    void anUnknownOptionIsUnsupportedAndHagglingGoesOn() throws IOException {
        try (RawNbdClient client = RawNbdClient.connect(chain.socket)) {
            client.clientFlags(3);
            client.option(99, new byte[] {1, 2, 3});
            RawNbdClient.OptionReply reply = client.optionReply();
            assertThat(reply.option()).isEqualTo(99);
            assertThat(reply.type()).isEqualTo(REP_ERR_UNSUP);
            client.option(OPT_GO, RawNbdClient.goData("ro"));
            assertThat(client.optionReply().type()).isEqualTo(3);
        }
    }

    @Test
    void anOptionClaimingGigabytesEndsTheConnection() throws IOException {
        try (RawNbdClient client = RawNbdClient.connect(chain.socket)) {
            client.clientFlags(3);
            client.send(ByteBuffer.allocate(16).putLong(RawNbdClient.IHAVEOPT).putInt(OPT_GO).putInt(-1).flip());
            assertThat(client.hungUp()).isTrue();
        }
    }

    @Test
    void malformedOrUnknownExportsInGoAreRefusedWithErrors() throws IOException {
        try (RawNbdClient client = RawNbdClient.connect(chain.socket)) {
            client.clientFlags(3);
            client.option(OPT_GO, ByteBuffer.allocate(8).putInt(1000).putInt(0).array());
            assertThat(client.optionReply().type()).isEqualTo(REP_ERR_INVALID);
            client.option(OPT_GO, RawNbdClient.goData("no-such-export"));
            assertThat(client.optionReply().type()).isEqualTo(REP_ERR_UNKNOWN);
            client.option(10, RawNbdClient.metaData("ro", "base:allocation"));
            assertThat(client.optionReply().type()).as("meta context before structured replies").isEqualTo(REP_ERR_INVALID);
            client.option(3, new byte[0]);
            assertThat(client.optionReply().type()).isEqualTo(2);
            assertThat(client.optionReply().type()).isEqualTo(2);
            assertThat(client.optionReply().type()).isEqualTo(REP_ACK);
            client.option(2, new byte[0]);
            assertThat(client.optionReply().type()).as("abort").isEqualTo(REP_ACK);
            assertThat(client.hungUp()).isTrue();
        }
    }

    @Test
    void readsOutsideTheExportAreInvalidAndTheConnectionGoesOn() throws IOException {
        try (RawNbdClient client = RawNbdClient.connect(chain.socket)) {
            client.go("ro");
            assertThat(client.size).isEqualTo(SIZE);
            client.request(0, 0, 1, SIZE - 512, 1024);
            assertThat(client.simpleReply(1)).isEqualTo(EINVAL);
            client.request(0, 0, 2, -4096, 8192);
            assertThat(client.simpleReply(2)).as("an offset near 2^64").isEqualTo(EINVAL);
            client.request(0, 0, 3, 0, 0xFFFFFFFFL);
            assertThat(client.simpleReply(3)).as("a 4 GiB read").isEqualTo(EINVAL);
            client.request(0, 42, 4, 0, 0);
            assertThat(client.simpleReply(4)).as("an unknown command").isEqualTo(EINVAL);
            client.request(0, 7, 5, 0, 4096);
            assertThat(client.simpleReply(5)).as("block status without a context").isEqualTo(EINVAL);
            client.request(0x40, 0, 6, 0, 512);
            assertThat(client.simpleReply(6)).as("an unknown flag").isEqualTo(EINVAL);

            client.request(0, 0, 7, SIZE - 4096, 4096);
            assertThat(client.simpleReply(7)).isZero();
            assertThat(client.read(4096).array()).isEqualTo(Arrays.copyOfRange(chain.expected, SIZE - 4096, SIZE));
        }
    }

    @Test
    void writesToAReadOnlyExportGetEpermAndChangeNothing() throws IOException {
        try (RawNbdClient client = RawNbdClient.connect(chain.socket)) {
            client.go("ro");
            assertThat(client.transmissionFlags & 2).as("NBD_FLAG_READ_ONLY").isEqualTo(2);
            client.write(0, 1, 0, new byte[4096]);
            assertThat(client.simpleReply(1)).isEqualTo(EPERM);
            client.request(0, 6, 2, 0, 4096);
            assertThat(client.simpleReply(2)).as("write zeroes").isEqualTo(EPERM);
            client.request(0, 4, 3, 0, 4096);
            assertThat(client.simpleReply(3)).as("trim").isEqualTo(EPERM);
        }
        assertThat(chain.readThroughStore(0, 4096)).isEqualTo(Arrays.copyOf(chain.expected, 4096));
        assertThat(fileSizes()).isEqualTo(fileSizesBefore);
    }

    @Test
    void writesPastTheEndGetEnospcTheirPayloadIsSkippedAndNothingOutsideChanges() throws IOException {
        try (RawNbdClient client = RawNbdClient.connect(chain.socket)) {
            client.go("rw");
            byte[] ones = new byte[8192];
            Arrays.fill(ones, (byte) 1);
            client.write(0, 1, SIZE - 4096, ones);
            assertThat(client.simpleReply(1)).isEqualTo(ENOSPC);
            client.write(0, 2, Long.MAX_VALUE, ones);
            assertThat(client.simpleReply(2)).isEqualTo(ENOSPC);
            client.request(0, 6, 3, SIZE, 1);
            assertThat(client.simpleReply(3)).as("write zeroes past the end").isEqualTo(ENOSPC);
            client.request(0, 4, 4, 0, 4096);
            assertThat(client.simpleReply(4)).as("trim is not offered").isEqualTo(EINVAL);
            client.request(0, 0, 5, SIZE - 4096, 4096);
            assertThat(client.simpleReply(5)).as("the connection is still in step").isZero();
            assertThat(client.read(4096).array()).isEqualTo(Arrays.copyOfRange(chain.expected, SIZE - 4096, SIZE));
        }
        assertThat(chain.readThroughStore(SIZE - 8192, 8192)).isEqualTo(Arrays.copyOfRange(chain.expected, SIZE - 8192, SIZE));
        assertThat(fileSizes()).isEqualTo(fileSizesBefore);
    }

    @Test
    void aWriteLongerThanTheMaximumPayloadEndsTheConnection() throws IOException {
        try (RawNbdClient client = RawNbdClient.connect(chain.socket)) {
            client.go("rw");
            client.request(0, 1, 1, 0, 0x7FFFFFFFL);
            try {
                client.send(ByteBuffer.allocate(4096));
            } catch (IOException brokenPipe) {
                // the server may hang up on the header alone, before this payload is sent: that is the point
            }
            assertThat(client.hungUp()).isTrue();
        }
        assertThat(fileSizes()).isEqualTo(fileSizesBefore);
    }

    @Test
    void aRequestWithTheWrongMagicEndsTheConnection() throws IOException {
        try (RawNbdClient client = RawNbdClient.connect(chain.socket)) {
            client.go("ro");
            client.send(ByteBuffer.allocate(28).putInt(0x12560953).rewind());
            assertThat(client.hungUp()).isTrue();
        }
    }

    @Test
    void requestsAfterDiscAreNeverAnswered() throws IOException {
        try (RawNbdClient client = RawNbdClient.connect(chain.socket)) {
            client.go("rw");
            // One send: DISC, then a write with its payload and a read that must never be served.
            ByteBuffer burst = ByteBuffer.allocate(3 * 28 + 512);
            burst.putInt(0x25609513).putShort((short) 0).putShort((short) 2).putLong(1).putLong(0).putInt(0);
            burst.putInt(0x25609513).putShort((short) 0).putShort((short) 1).putLong(2).putLong(0).putInt(512);
            burst.put(new byte[512]);
            burst.putInt(0x25609513).putShort((short) 0).putShort((short) 0).putLong(3).putLong(0).putInt(512);
            client.send(burst.flip());
            assertThat(client.hungUp()).isTrue();
        }
        assertThat(chain.readThroughStore(0, 512)).isEqualTo(Arrays.copyOf(chain.expected, 512));
    }

    @Test
    void aWellBehavedWriteFuaFlushAndStructuredReadRoundTrip() throws IOException {
        byte[] data = new byte[3 * 4096];
        Arrays.fill(data, (byte) 0x5a);
        try (RawNbdClient client = RawNbdClient.connect(chain.socket)) {
            client.goStructured("rw");
            client.write(1, 1, 8192, data);
            assertThat(client.simpleReply(1)).isZero();
            client.request(0, 3, 2, 0, 0);
            assertThat(client.simpleReply(2)).isZero();

            client.request(0, 0, 3, 8192, data.length);
            RawNbdClient.Chunk chunk = client.chunk();
            assertThat(chunk.type()).isEqualTo(1);
            assertThat(chunk.flags() & 1).as("done").isEqualTo(1);
            ByteBuffer payload = chunk.buffer();
            assertThat(payload.getLong()).isEqualTo(8192);
            assertThat(Arrays.copyOfRange(chunk.payload(), 8, chunk.payload().length)).isEqualTo(data);

            client.request(0, 0, 4, SIZE - 4096, 4096);
            RawNbdClient.Chunk hole = client.chunk();
            assertThat(hole.type()).as("a hole is sent as a hole").isEqualTo(2);
            assertThat(hole.buffer().getLong()).isEqualTo(SIZE - 4096);
        }
        assertThat(chain.readThroughStore(8192, data.length)).isEqualTo(data);
    }

    private void assertGoodClientIsServed() throws IOException {
        try (RawNbdClient client = RawNbdClient.connect(chain.socket)) {
            client.go("ro");
            client.request(0, 0, 7, 0, 512);
            assertThat(client.simpleReply(7)).isZero();
            assertThat(client.read(512).array()).isEqualTo(Arrays.copyOf(chain.expected, 512));
        }
    }

    private Map<UUID, Long> fileSizes() {
        return Stream.of(chain.base, chain.middle, chain.top)
                .collect(Collectors.toMap(id -> id, id -> {
                    try {
                        return Files.size(chain.file(id));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }));
    }
}

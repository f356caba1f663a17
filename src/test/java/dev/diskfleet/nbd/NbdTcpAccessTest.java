package dev.diskfleet.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.support.QemuTools;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NBD server on a loopback TCP port, which every local user can reach, seen by clients that have no
 * credentials (a raw client, plain {@code nbdinfo}) and by clients holding the CA-signed certificate
 * (qemu-img and nbdinfo with TLS). The first cannot list the exports, guess a name, get past a server that
 * requires TLS, or hold connections open: idle ones are dropped after the handshake timeout and capped per
 * client address and in total. The second read the export over TLS, byte for byte.
 */
@Timeout(180)
class NbdTcpAccessTest {

    private static final int OPT_EXPORT_NAME = 1;
    private static final int OPT_LIST = 3;
    private static final int OPT_INFO = 6;
    private static final int OPT_GO = 7;
    private static final int REP_ACK = 1;
    private static final int REP_SERVER = 2;
    private static final int REP_INFO = 3;
    private static final int REP_ERR_POLICY = 0x80000002;
    private static final int REP_ERR_TLS_REQD = 0x80000005;
    private static final int REP_ERR_UNKNOWN = 0x80000006;
    /** As an export the service makes: 128 random bits the client was not given. */
    private static final String SECRET = "image-5f0e9c3ab2d1477c8e6a90b4c3d2e1f0";

    @TempDir
    Path root;
    @TempDir
    Path scratch;
    private ExportedChain chain;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void serveAChain() {
        chain = new ExportedChain(root, "qcow2");
        chain.export(SECRET, false);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        chain.close();
    }

    private NbdServer tcpServer(ConnectionLimits limits, Optional<TlsCredentials> tls) {
        NbdServer server = NbdServer.start(chain.exports, Endpoint.loopbackTcp(0), limits, tls);
        toClose.add(server);
        return server;
    }

    private NbdServer tlsServer() throws IOException {
        TestCertificates certificates = TestCertificates.make(scratch);
        return tcpServer(ConnectionLimits.DEFAULT, Optional.of(TlsCredentials.load(certificates.server(), true)));
    }

    @Test
    void overTcpNoExportIsListedAndAGuessedNameIsUnknown() throws IOException {
        NbdServer tcp = tcpServer(ConnectionLimits.DEFAULT, Optional.empty());
        try (RawNbdClient client = RawNbdClient.connect(tcp.port())) {
            client.clientFlags(3);
            client.option(OPT_LIST, new byte[0]);
            RawNbdClient.OptionReply list = client.optionReply();
            assertThat(list.type()).as(list.text()).isEqualTo(REP_ERR_POLICY);
            assertThat(list.text()).doesNotContain(SECRET);
            for (String guess : List.of("image", "disk", "", SECRET.substring(0, SECRET.length() - 1) + "1")) {
                client.option(OPT_GO, RawNbdClient.goData(guess));
                assertThat(client.optionReply().type()).as("GO %s", guess).isEqualTo(REP_ERR_UNKNOWN);
            }
            client.option(OPT_GO, RawNbdClient.goData(SECRET));
            assertThat(client.optionReply().type()).as("GO with the name").isEqualTo(REP_INFO);
        }

        // The Unix socket (mode 0600, the service's own user) still lists them.
        try (RawNbdClient owner = RawNbdClient.connect(chain.socket)) {
            owner.clientFlags(3);
            owner.option(OPT_LIST, new byte[0]);
            assertThat(owner.optionReply().type()).isEqualTo(REP_SERVER);
            assertThat(owner.optionReply().type()).isEqualTo(REP_ACK);
        }
        QemuTools.require("nbdinfo");
        QemuTools.Result listed = QemuTools.run("nbdinfo", "--list", "nbd://127.0.0.1:" + tcp.port());
        assertThat(listed.exitCode()).as(listed.output()).isNotZero();
        assertThat(listed.output()).doesNotContain(SECRET);
    }

    @Test
    void aPlainClientIsRefusedWhenTlsIsRequired() throws IOException {
        NbdServer tcp = tlsServer();
        try (RawNbdClient client = RawNbdClient.connect(tcp.port())) {
            client.clientFlags(3);
            for (int option : new int[] {OPT_LIST, OPT_INFO, OPT_GO}) {
                client.option(option, option == OPT_LIST ? new byte[0] : RawNbdClient.goData(SECRET));
                RawNbdClient.OptionReply reply = client.optionReply();
                assertThat(reply.type()).as("option %d: %s", option, reply.text()).isEqualTo(REP_ERR_TLS_REQD);
            }
            // EXPORT_NAME cannot be answered with an error: the server hangs up (proto.md).
            client.option(OPT_EXPORT_NAME, SECRET.getBytes(StandardCharsets.UTF_8));
            assertThat(client.hungUp()).isTrue();
        }
        QemuTools.require("qemu-img", "nbdinfo");
        QemuTools.Result plain = QemuTools.run("nbdinfo", tcp.uri(SECRET));
        assertThat(plain.exitCode()).as(plain.output()).isNotZero();
        assertThat(plain.output()).containsIgnoringCase("TLS");
        QemuTools.Result qemu = QemuTools.run("qemu-img", "info", tcp.uri(SECRET));
        assertThat(qemu.exitCode()).as(qemu.output()).isNotZero();
        assertThat(qemu.output()).contains("TLS negotiation required");
    }

    @Test
    void qemuImgAndNbdinfoReadTheExportOverTls() throws IOException {
        QemuTools.require("qemu-img", "nbdinfo");
        NbdServer tcp = tlsServer();
        Path client = scratch.resolve("client");
        Path copy = scratch.resolve("copy.raw");
        QemuTools.qemuImg("convert", "--object", "tls-creds-x509,id=tls0,endpoint=client,dir=" + client,
                "--image-opts", "driver=nbd,server.type=inet,server.host=127.0.0.1,server.port=" + tcp.port()
                        + ",export=" + SECRET + ",tls-creds=tls0", "-O", "raw", copy.toString());
        assertThat(Files.readAllBytes(copy)).isEqualTo(chain.expected);

        String nbds = "nbds://127.0.0.1:" + tcp.port() + "/" + SECRET + "?tls-certificates=" + client;
        QemuTools.Result info = QemuTools.run("nbdinfo", "--json", nbds);
        assertThat(info.exitCode()).as(info.output()).isZero();
        assertThat(info.output()).containsPattern("\"export-size\": *" + ExportedChain.SIZE)
                .containsPattern("\"is_read_only\": *true");
        // Inside TLS the exports are still not listed: TLS proves the client holds a certificate, not which export.
        QemuTools.Result list = QemuTools.run("nbdinfo", "--list",
                "nbds://127.0.0.1:" + tcp.port() + "?tls-certificates=" + client);
        assertThat(list.output()).doesNotContain(SECRET);
    }

    @Test
    void aClientWithoutACertificateFromTheCaCannotStartTls() throws IOException {
        QemuTools.require("nbdinfo");
        NbdServer tcp = tlsServer();
        QemuTools.Result stranger = QemuTools.run("nbdinfo",
                "nbds://127.0.0.1:" + tcp.port() + "/" + SECRET + "?tls-certificates=" + scratch.resolve("stranger"));
        assertThat(stranger.exitCode()).as(stranger.output()).isNotZero();
        assertThat(stranger.output()).doesNotContain("export-size");
        awaitNoConnections(tcp);
    }

    @Test
    void anIdleClientIsDisconnectedAfterTheHandshakeTimeout() throws IOException {
        NbdServer tcp = tcpServer(new ConnectionLimits(Duration.ofSeconds(1), 512, 128), Optional.empty());
        try (RawNbdClient silent = RawNbdClient.connect(tcp.port());
                RawNbdClient stalled = RawNbdClient.connect(tcp.port())) {
            long start = System.nanoTime();
            stalled.clientFlags(3);
            stalled.send(ByteBuffer.allocate(10).putLong(RawNbdClient.IHAVEOPT).flip());

            assertThat(silent.hungUp()).as("a client that never answered the greeting").isTrue();
            assertThat(stalled.hungUp()).as("a client stuck inside an option").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
        awaitNoConnections(tcp);
    }

    @Test
    void anIdleClientOnTheUnixSocketIsDisconnectedToo() throws IOException {
        Path socket = scratch.resolve("short.sock");
        NbdServer unix = NbdServer.start(chain.exports, Endpoint.unixSocket(socket),
                new ConnectionLimits(Duration.ofSeconds(1), 512, 128), Optional.empty());
        toClose.add(unix);
        try (RawNbdClient silent = RawNbdClient.connect(socket)) {
            assertThat(silent.hungUp()).isTrue();
        }
    }

    @Test
    void idleConnectionsCannotLockAGoodClientOut() throws Exception {
        NbdServer tcp = tcpServer(new ConnectionLimits(Duration.ofSeconds(5), 12, 8), Optional.empty());
        List<SocketChannel> idle = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            idle.add(connectFrom("127.0.0.1", tcp.port()));
        }
        awaitConnections(tcp, 8);
        assertThatThrownBy(() -> RawNbdClient.connect(tcp.port()).close())
                .as("a ninth connection from the same address").isInstanceOf(EOFException.class);

        // Another address still gets in, until the total cap.
        for (int i = 0; i < 4; i++) {
            idle.add(connectFrom("127.0.0.2", tcp.port()));
        }
        awaitConnections(tcp, 12);
        assertThatThrownBy(() -> greetingFrom("127.0.0.3", tcp.port()))
                .as("a connection past the total cap").isInstanceOf(EOFException.class);

        // The idle ones are timed out, and a good client is served again.
        awaitNoConnections(tcp);
        try (RawNbdClient good = RawNbdClient.connect(tcp.port())) {
            good.go(SECRET);
            assertThat(good.size).isEqualTo(ExportedChain.SIZE);
        }
        for (SocketChannel channel : idle) {
            channel.close();
        }
    }

    @Test
    void fiveHundredFifteenIdleConnectionsLockNobodyOutForLongerThanTheHandshakeTimeout() throws Exception {
        ConnectionLimits defaults = ConnectionLimits.DEFAULT;
        NbdServer tcp = tcpServer(new ConnectionLimits(Duration.ofSeconds(3), defaults.maxConnections(),
                defaults.maxConnectionsPerClient()), Optional.empty());
        List<SocketChannel> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 515; i++) {
                idle.add(connectFrom("127.0.0.1", tcp.port()));
                assertThat(tcp.connectionCount()).isLessThanOrEqualTo(defaults.maxConnectionsPerClient());
            }
            awaitNoConnections(tcp);
            try (RawNbdClient good = RawNbdClient.connect(tcp.port())) {
                good.go(SECRET);
                assertThat(good.size).isEqualTo(ExportedChain.SIZE);
            }
        } finally {
            for (SocketChannel channel : idle) {
                channel.close();
            }
        }
    }

    @Test
    void theUnixSocketCapsConnectionsPerUserId() throws Exception {
        Path socket = scratch.resolve("capped.sock");
        NbdServer unix = NbdServer.start(chain.exports, Endpoint.unixSocket(socket),
                new ConnectionLimits(Duration.ofSeconds(30), 512, 2), Optional.empty());
        toClose.add(unix);
        try (RawNbdClient first = RawNbdClient.connect(socket); RawNbdClient second = RawNbdClient.connect(socket)) {
            assertThatThrownBy(() -> RawNbdClient.connect(socket).close()).isInstanceOf(EOFException.class);
            first.go(SECRET);
        }
        awaitNoConnections(unix);
        try (RawNbdClient again = RawNbdClient.connect(socket)) {
            again.go(SECRET);
        }
    }

    private static SocketChannel connectFrom(String source, int port) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return channel;
    }

    /** Reads the 18-byte greeting; EOF when the server turned the connection away. */
    private static void greetingFrom(String source, int port) throws IOException {
        try (SocketChannel channel = connectFrom(source, port)) {
            ByteBuffer hello = ByteBuffer.allocate(18);
            while (hello.hasRemaining()) {
                if (channel.read(hello) < 0) {
                    throw new EOFException("turned away");
                }
            }
        }
    }

    private static void awaitConnections(NbdServer server, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (server.connectionCount() != count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.connectionCount()).isEqualTo(count);
    }

    private static void awaitNoConnections(NbdServer server) {
        try {
            awaitConnections(server, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

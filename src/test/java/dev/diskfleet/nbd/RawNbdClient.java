package dev.diskfleet.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A hand-driven NBD client for the tests: it sends whatever bytes a test asks for, well-formed or not,
 * and reads the server's answers as proto.md frames them.
 */
public final class RawNbdClient implements AutoCloseable {

    static final long IHAVEOPT = 0x49484156454F5054L;

    record OptionReply(int option, int type, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    record Chunk(int flags, int type, long cookie, byte[] payload) {
        ByteBuffer buffer() {
            return ByteBuffer.wrap(payload);
        }
    }

    private final SocketChannel channel;
    long size;
    int transmissionFlags;

    private RawNbdClient(SocketChannel channel) {
        this.channel = channel;
    }

    /** Connects and reads the server's greeting, checking its magic numbers and flags. */
    public static RawNbdClient connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return greeted(channel);
    }

    /** As {@link #connect(Path)}, to a loopback TCP port: as any local user can. */
    public static RawNbdClient connect(int port) throws IOException {
        return greeted(SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
    }

    private static RawNbdClient greeted(SocketChannel channel) throws IOException {
        RawNbdClient client = new RawNbdClient(channel);
        ByteBuffer hello = client.read(18);
        assertThat(hello.getLong()).isEqualTo(0x4e42444d41474943L);
        assertThat(hello.getLong()).isEqualTo(IHAVEOPT);
        assertThat(hello.getShort()).isEqualTo((short) 3);
        return client;
    }

    void send(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    void clientFlags(int flags) throws IOException {
        send(ByteBuffer.allocate(4).putInt(flags).flip());
    }

    void option(int option, byte[] data) throws IOException {
        send(ByteBuffer.allocate(16 + data.length).putLong(IHAVEOPT).putInt(option).putInt(data.length).put(data)
                .flip());
    }

    OptionReply optionReply() throws IOException {
        ByteBuffer head = read(20);
        assertThat(head.getLong()).isEqualTo(0x3e889045565a9L);
        int option = head.getInt();
        int type = head.getInt();
        int length = head.getInt();
        return new OptionReply(option, type, read(length).array());
    }

    /** GO data: the name and no information requests. */
    static byte[] goData(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(6 + bytes.length).putInt(bytes.length).put(bytes).putShort((short) 0).array();
    }

    /** Meta-context data: the export name and the queries. */
    static byte[] metaData(String name, String... queries) {
        ByteBuffer data = ByteBuffer.allocate(1024);
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        data.putInt(bytes.length).put(bytes).putInt(queries.length);
        for (String query : queries) {
            byte[] q = query.getBytes(StandardCharsets.UTF_8);
            data.putInt(q.length).put(q);
        }
        return java.util.Arrays.copyOf(data.array(), data.position());
    }

    /** The usual way in: fixed newstyle, no zeroes, NBD_OPT_GO; reads the replies up to the ACK. */
    public void go(String name) throws IOException {
        clientFlags(3);
        enterTransmission(name);
    }

    /** As {@link #go}, after negotiating structured replies and {@code base:allocation}. */
    void goStructured(String name) throws IOException {
        clientFlags(3);
        option(8, new byte[0]);
        assertThat(optionReply().type()).isEqualTo(1);
        option(10, metaData(name, "base:allocation"));
        assertThat(optionReply().type()).isEqualTo(4);
        assertThat(optionReply().type()).isEqualTo(1);
        enterTransmission(name);
    }

    private void enterTransmission(String name) throws IOException {
        option(7, goData(name));
        while (true) {
            OptionReply reply = optionReply();
            if (reply.type() == 1) {
                return;
            }
            assertThat(reply.type()).as("reply to GO: %s", reply.text()).isEqualTo(3);
            ByteBuffer info = ByteBuffer.wrap(reply.data());
            if (info.getShort() == 0) {
                size = info.getLong();
                transmissionFlags = Short.toUnsignedInt(info.getShort());
            }
        }
    }

    void request(int flags, int type, long cookie, long offset, long length) throws IOException {
        send(header(flags, type, cookie, offset, length).flip());
    }

    void write(int flags, long cookie, long offset, byte[] data) throws IOException {
        ByteBuffer message = header(flags, 1, cookie, offset, data.length);
        send(message.flip());
        send(ByteBuffer.wrap(data));
    }

    private static ByteBuffer header(int flags, int type, long cookie, long offset, long length) {
        return ByteBuffer.allocate(28).putInt(0x25609513).putShort((short) flags).putShort((short) type)
                .putLong(cookie).putLong(offset).putInt((int) length);
    }

    /** A simple reply: returns its error after checking the magic and cookie. */
    int simpleReply(long cookie) throws IOException {
        ByteBuffer reply = read(16);
        assertThat(reply.getInt()).isEqualTo(0x67446698);
        int error = reply.getInt();
        assertThat(reply.getLong()).isEqualTo(cookie);
        return error;
    }

    Chunk chunk() throws IOException {
        ByteBuffer head = read(20);
        assertThat(head.getInt()).isEqualTo(0x668e33ef);
        int flags = Short.toUnsignedInt(head.getShort());
        int type = Short.toUnsignedInt(head.getShort());
        long cookie = head.getLong();
        int length = head.getInt();
        return new Chunk(flags, type, cookie, read(length).array());
    }

    ByteBuffer read(int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                throw new EOFException("the server hung up after " + buf.position() + " of " + length + " bytes");
            }
        }
        return buf.flip();
    }

    /** Whether the server closes the connection within five seconds without sending anything more. */
    public boolean hungUp() throws IOException {
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline) {
                selector.select(200);
                int got = channel.read(ByteBuffer.allocate(1));
                if (got < 0) {
                    return true;
                }
                if (got > 0) {
                    return false;
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

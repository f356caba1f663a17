package dev.diskfleet.nbd;

import static dev.diskfleet.nbd.Protocol.*;

import java.io.Closeable;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fixed newstyle handshake and option haggling of proto.md ("Fixed newstyle negotiation", "Option
 * types"). Options the server does not know get {@code NBD_REP_ERR_UNSUP}; malformed ones
 * {@code NBD_REP_ERR_INVALID}; a broken frame (wrong magic, unknown client flags, an option longer
 * than any this server accepts) ends the connection.
 *
 * <p>With TLS credentials the server requires TLS (proto.md "TLS support", the FORCEDTLS mode): before a
 * successful {@code NBD_OPT_STARTTLS} every option but STARTTLS and ABORT is answered
 * {@code NBD_REP_ERR_TLS_REQD}, and {@code NBD_OPT_EXPORT_NAME}, which cannot be answered with an error,
 * ends the connection. Nothing negotiated before TLS survives it. Where exports are not to be listed (a TCP
 * port any local user reaches), {@code NBD_OPT_LIST} gets {@code NBD_REP_ERR_POLICY}.
 */
final class Handshake {

    /** The longest option data accepted: a name and a few meta-context queries fit many times over. */
    static final int MAX_OPTION_LENGTH = 64 * 1024;
    /** Options after which a client that never picks an export is dropped as a denial of service. */
    private static final int MAX_OPTIONS = 4096;

    /**
     * What an endpoint allows before transmission.
     *
     * @param listExports whether {@code NBD_OPT_LIST} names the exports
     * @param tls credentials when TLS is required, else empty (no TLS offered)
     */
    record Policy(boolean listExports, Optional<TlsCredentials> tls) {

        static final Policy OPEN = new Policy(true, Optional.empty());
    }

    private final Wire wire;
    private final SocketChannel socket;
    private final Exports exports;
    private final Policy policy;
    private final Closeable client;
    private final ByteBuffer header = ByteBuffer.allocate(16);
    private boolean noZeroes;
    private boolean tlsActive;
    private boolean structuredReplies;
    private String metaContextExport;
    private boolean aborted;

    Handshake(Wire wire, SocketChannel socket, Exports exports, Policy policy, Closeable client) {
        this.wire = wire;
        this.socket = socket;
        this.exports = exports;
        this.policy = policy;
        this.client = client;
    }

    /** The session to serve, or empty when the client aborted. The export has the client attached. */
    Optional<Session> negotiate() throws IOException, ProtocolViolation {
        greet();
        for (int count = 0; count < MAX_OPTIONS; count++) {
            header.clear();
            wire.readFully(header);
            header.flip();
            if (header.getLong() != IHAVEOPT) {
                throw new ProtocolViolation("an option did not start with IHAVEOPT");
            }
            int option = header.getInt();
            long length = Integer.toUnsignedLong(header.getInt());
            if (length > MAX_OPTION_LENGTH) {
                throw new ProtocolViolation("option " + option + " carries " + length + " bytes");
            }
            ByteBuffer data = ByteBuffer.allocate((int) length);
            wire.readFully(data);
            data.flip();
            Optional<Session> session = answer(option, data);
            if (session.isPresent() || aborted) {
                return session;
            }
        }
        throw new ProtocolViolation("more than " + MAX_OPTIONS + " options without choosing an export");
    }

    private void greet() throws IOException, ProtocolViolation {
        ByteBuffer hello = ByteBuffer.allocate(18).putLong(NBDMAGIC).putLong(IHAVEOPT)
                .putShort((short) (FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES)).flip();
        wire.write(hello);
        ByteBuffer clientFlags = ByteBuffer.allocate(4);
        wire.readFully(clientFlags);
        int flags = clientFlags.flip().getInt();
        if ((flags & ~CLIENT_FLAGS_KNOWN) != 0) {
            throw new ProtocolViolation("unknown client flags " + Integer.toHexString(flags));
        }
        noZeroes = (flags & FLAG_NO_ZEROES) != 0;
    }

    /** Empty to keep haggling (or after ABORT), a session to start transmission. */
    private Optional<Session> answer(int option, ByteBuffer data) throws IOException, ProtocolViolation {
        if (policy.tls().isPresent() && !tlsActive && option != OPT_STARTTLS && option != OPT_ABORT) {
            if (option == OPT_EXPORT_NAME) {
                throw new ProtocolViolation("NBD_OPT_EXPORT_NAME without TLS, which this server requires");
            }
            return error(option, REP_ERR_TLS_REQD, "this server requires TLS: start it with NBD_OPT_STARTTLS"
                    + " (qemu: --object tls-creds-x509 and tls-creds=; libnbd: an nbds:// URI)");
        }
        try {
            return switch (option) {
                case OPT_EXPORT_NAME -> Optional.of(exportName(data));
                case OPT_STARTTLS -> startTls(data);
                case OPT_ABORT -> {
                    aborted = true;
                    reply(option, REP_ACK, null);
                    yield Optional.empty();
                }
                case OPT_LIST -> policy.listExports() ? list(data) : error(option, REP_ERR_POLICY,
                        "this server does not list its exports: open yours by the name you were given when you made it");
                case OPT_INFO, OPT_GO -> info(option, data);
                case OPT_STRUCTURED_REPLY -> structuredReply(data);
                case OPT_LIST_META_CONTEXT, OPT_SET_META_CONTEXT -> metaContext(option, data);
                default -> error(option, REP_ERR_UNSUP, "option " + option + " is not supported");
            };
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            return error(option, REP_ERR_INVALID, "malformed option data");
        }
    }

    /** The old way in: no error is possible, so an unknown name ends the connection (proto.md). */
    private Session exportName(ByteBuffer data) throws IOException, ProtocolViolation {
        String name = StandardCharsets.UTF_8.decode(data).toString();
        Export export = exports.find(name).orElseThrow(() -> new ProtocolViolation("no export named '" + name + "'"));
        if (!export.attach(client)) {
            throw new ProtocolViolation("export '" + name + "' was removed");
        }
        Session session = new Session(export, structuredReplies, blockStatusFor(name));
        ByteBuffer answer = ByteBuffer.allocate(noZeroes ? 10 : 134)
                .putLong(export.device().size()).putShort((short) session.transmissionFlags());
        wire.write(answer.position(answer.limit()).flip());
        return session;
    }

    /** proto.md: ACK in the clear, then the TLS handshake; option haggling starts afresh inside TLS. */
    private Optional<Session> startTls(ByteBuffer data) throws IOException {
        if (data.hasRemaining()) {
            return error(OPT_STARTTLS, REP_ERR_INVALID, "NBD_OPT_STARTTLS takes no data");
        }
        if (policy.tls().isEmpty()) {
            return error(OPT_STARTTLS, REP_ERR_POLICY, "TLS is not offered on this endpoint");
        }
        if (tlsActive) {
            return error(OPT_STARTTLS, REP_ERR_INVALID, "TLS is already on");
        }
        reply(OPT_STARTTLS, REP_ACK, null);
        wire.upgrade(TlsChannel.accept(socket, policy.tls().get().newEngine()));
        tlsActive = true;
        structuredReplies = false;
        metaContextExport = null;
        return Optional.empty();
    }

    private Optional<Session> list(ByteBuffer data) throws IOException {
        if (data.hasRemaining()) {
            return error(OPT_LIST, REP_ERR_INVALID, "NBD_OPT_LIST takes no data");
        }
        for (Export export : exports.list()) {
            byte[] name = export.name().getBytes(StandardCharsets.UTF_8);
            reply(OPT_LIST, REP_SERVER, ByteBuffer.allocate(4 + name.length).putInt(name.length).put(name).flip());
        }
        reply(OPT_LIST, REP_ACK, null);
        return Optional.empty();
    }

    private Optional<Session> info(int option, ByteBuffer data) throws IOException {
        String name = string(data, data.getInt());
        int requests = Short.toUnsignedInt(data.getShort());
        if (data.remaining() != 2 * requests) {
            return error(option, REP_ERR_INVALID, "the information request list does not match its count");
        }
        List<Integer> wanted = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            wanted.add(Short.toUnsignedInt(data.getShort()));
        }
        Optional<Export> found = exports.find(name);
        if (found.isEmpty() || found.get().isClosed()) {
            return error(option, REP_ERR_UNKNOWN, "no export named '" + name + "'");
        }
        Export export = found.get();
        Session session = new Session(export, structuredReplies, blockStatusFor(name));
        if (option == OPT_GO && !export.attach(client)) {
            return error(option, REP_ERR_UNKNOWN, "export '" + name + "' was removed");
        }
        try {
            sendInformation(option, session, wanted);
            reply(option, REP_ACK, null);
        } catch (IOException e) {
            export.detach(client);
            throw e;
        }
        return option == OPT_GO ? Optional.of(session) : Optional.empty();
    }

    private void sendInformation(int option, Session session, List<Integer> wanted) throws IOException {
        Export export = session.export();
        reply(option, REP_INFO, ByteBuffer.allocate(12).putShort((short) INFO_EXPORT)
                .putLong(export.device().size()).putShort((short) session.transmissionFlags()).flip());
        // Sent whether asked or not, as qemu-nbd does; a client that did not ask may ignore it.
        reply(option, REP_INFO, ByteBuffer.allocate(14).putShort((short) INFO_BLOCK_SIZE)
                .putInt(MIN_BLOCK).putInt(PREFERRED_BLOCK).putInt(MAX_PAYLOAD).flip());
        if (wanted.contains(INFO_NAME)) {
            reply(option, REP_INFO, textInfo(INFO_NAME, export.name()));
        }
        if (wanted.contains(INFO_DESCRIPTION) && !export.description().isEmpty()) {
            reply(option, REP_INFO, textInfo(INFO_DESCRIPTION, export.description()));
        }
    }

    private Optional<Session> structuredReply(ByteBuffer data) throws IOException {
        if (data.hasRemaining()) {
            return error(OPT_STRUCTURED_REPLY, REP_ERR_INVALID, "NBD_OPT_STRUCTURED_REPLY takes no data");
        }
        structuredReplies = true;
        reply(OPT_STRUCTURED_REPLY, REP_ACK, null);
        return Optional.empty();
    }

    /** LIST and SET share their data; SET replaces the selection even when it fails (proto.md). */
    private Optional<Session> metaContext(int option, ByteBuffer data) throws IOException {
        boolean set = option == OPT_SET_META_CONTEXT;
        if (set) {
            metaContextExport = null;
        }
        if (!structuredReplies) {
            return error(option, REP_ERR_INVALID, "negotiate structured replies first");
        }
        String name = string(data, data.getInt());
        int count = data.getInt();
        List<String> queries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            queries.add(string(data, data.getInt()));
        }
        if (data.hasRemaining()) {
            return error(option, REP_ERR_INVALID, "bytes after the last query");
        }
        if (exports.find(name).isEmpty()) {
            return error(option, REP_ERR_UNKNOWN, "no export named '" + name + "'");
        }
        boolean matches = set
                ? queries.contains(BASE_ALLOCATION)
                : queries.isEmpty() || queries.contains(BASE_ALLOCATION) || queries.contains("base:");
        if (matches) {
            byte[] context = BASE_ALLOCATION.getBytes(StandardCharsets.UTF_8);
            reply(option, REP_META_CONTEXT, ByteBuffer.allocate(4 + context.length)
                    .putInt(set ? BASE_ALLOCATION_ID : 0).put(context).flip());
            if (set) {
                metaContextExport = name;
            }
        }
        reply(option, REP_ACK, null);
        return Optional.empty();
    }

    private boolean blockStatusFor(String exportName) {
        return structuredReplies && exportName.equals(metaContextExport);
    }

    private Optional<Session> error(int option, int type, String message) throws IOException {
        reply(option, type, ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)));
        return Optional.empty();
    }

    private void reply(int option, int type, ByteBuffer data) throws IOException {
        int length = data == null ? 0 : data.remaining();
        ByteBuffer head = ByteBuffer.allocate(20).putLong(OPTION_REPLY_MAGIC).putInt(option).putInt(type)
                .putInt(length).flip();
        if (data == null) {
            wire.write(head);
        } else {
            wire.write(head, data);
        }
    }

    private static ByteBuffer textInfo(int type, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + bytes.length).putShort((short) type).put(bytes).flip();
    }

    /** A length-prefixed string inside option data; a length past the data is malformed. */
    private static String string(ByteBuffer data, int length) {
        if (length < 0 || length > data.remaining() || length > Export.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("a string of " + Integer.toUnsignedString(length) + " bytes");
        }
        byte[] bytes = new byte[length];
        data.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}

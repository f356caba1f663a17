package dev.diskfleet.hypervisor.qemu;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A QMP connection over a Unix socket (QEMU's {@code docs/interop/qmp-spec.rst}): the greeting, capability
 * negotiation, then commands and their replies matched by {@code id}, while a reader thread hands every
 * asynchronous event to a consumer. QEMU serves one client per monitor at a time, so one connection carries
 * both; commands are sent one at a time.
 *
 * <p>When the connection ends (QEMU exited, or {@link #close}) the reader calls {@code onDisconnect} once.
 */
final class QmpClient implements Closeable {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);
    private static final Map<String, Object> DISCONNECTED = Map.of("disconnected", true);

    private final SocketChannel channel;
    private final BufferedReader reader;
    private final BlockingQueue<Map<String, Object>> replies = new LinkedBlockingQueue<>();
    private final ReentrantLock commandLock = new ReentrantLock();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean connected = true;

    private QmpClient(SocketChannel channel) {
        this.channel = channel;
        this.reader = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                StandardCharsets.UTF_8));
    }

    /**
     * Connects, retrying until {@code timeout} while the socket is not there yet, reads the greeting and
     * leaves capability negotiation mode; then starts delivering events.
     */
    static QmpClient connect(Path socket, Duration timeout, String threadName, Consumer<QmpEvent> events,
            Runnable onDisconnect) {
        SocketChannel channel = open(socket, timeout);
        QmpClient client = new QmpClient(channel);
        // A blocking channel has no read timeout. QEMU serves one monitor client at a time and greets the
        // next only when the first leaves, so a greeting that does not come means someone else holds it.
        CompletableFuture<Void> handshake = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!handshake.isDone()) {
                client.close();
            }
        });
        try {
            String greeting = client.reader.readLine();
            if (greeting == null || !Json.parseObject(greeting).containsKey("QMP")) {
                throw new QmpException("no QMP greeting on " + socket + ": " + greeting, "");
            }
            client.send(Map.of("execute", "qmp_capabilities"));
            Map<String, Object> reply = Json.parseObject(client.reader.readLine());
            if (!reply.containsKey("return")) {
                throw new QmpException("qmp_capabilities refused: " + reply, "");
            }
            handshake.complete(null);
        } catch (IOException | RuntimeException e) {
            handshake.complete(null);
            client.close();
            if (e instanceof QmpException qmp) {
                throw qmp;
            }
            throw new QmpException("no QMP handshake on " + socket + " within " + timeout
                    + " (is another client connected?)", e);
        }
        Thread readerThread = new Thread(() -> client.readUntilClosed(events, onDisconnect), threadName);
        readerThread.setDaemon(true);
        readerThread.start();
        return client;
    }

    /** Runs a command and returns its {@code return} value. */
    Object execute(String command) {
        return execute(command, Map.of());
    }

    Object execute(String command, Map<String, Object> arguments) {
        commandLock.lock();
        try {
            String id = "diskfleet-" + ids.incrementAndGet();
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("execute", command);
            if (!arguments.isEmpty()) {
                message.put("arguments", arguments);
            }
            message.put("id", id);
            send(message);
            long deadline = System.nanoTime() + COMMAND_TIMEOUT.toNanos();
            while (true) {
                Map<String, Object> reply = replies.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (reply == null) {
                    throw new QmpException("no reply to " + command + " within " + COMMAND_TIMEOUT, "");
                }
                if (reply == DISCONNECTED) {
                    replies.add(DISCONNECTED);
                    throw new QmpException("QEMU closed the monitor during " + command, "");
                }
                if (!id.equals(reply.get("id"))) {
                    continue; // the late reply to a command that timed out
                }
                if (reply.get("error") instanceof Map<?, ?> error) {
                    throw new QmpException(command + " failed: " + error.get("desc"),
                            String.valueOf(error.get("class")));
                }
                return reply.get("return");
            }
        } catch (IOException e) {
            throw new QmpException("cannot send " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException("interrupted waiting for " + command, e);
        } finally {
            commandLock.unlock();
        }
    }

    boolean connected() {
        return connected;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a socket we are done with: nothing to do about a failure
        }
    }

    private void send(Map<String, Object> message) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((Json.write(message) + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private void readUntilClosed(Consumer<QmpEvent> events, Runnable onDisconnect) {
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                dispatch(line, events);
            }
        } catch (IOException | RuntimeException e) {
            // the socket closed under us: QEMU exited or we closed it; both end the connection below
        } finally {
            connected = false;
            replies.add(DISCONNECTED);
            close();
            onDisconnect.run();
        }
    }

    @SuppressWarnings("unchecked")
    private void dispatch(String line, Consumer<QmpEvent> events) {
        if (line.isBlank()) {
            return;
        }
        Map<String, Object> message = Json.parseObject(line);
        if (message.get("event") instanceof String name) {
            events.accept(new QmpEvent(name, (Map<String, Object>) message.get("data")));
        } else {
            replies.add(message);
        }
    }

    private static SocketChannel open(Path socket, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.connect(UnixDomainSocketAddress.of(socket));
                return channel;
            } catch (IOException e) {
                closeQuietly(channel);
                if (System.nanoTime() > deadline) {
                    throw new QmpException("cannot connect to the QMP socket " + socket, e);
                }
                sleep(50);
            }
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // it never connected
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException("interrupted connecting to QMP", e);
        }
    }
}

package dev.diskfleet.hypervisor.qemu;

import dev.diskfleet.hypervisor.ConsoleTail;
import dev.diskfleet.hypervisor.ExitReason;
import dev.diskfleet.hypervisor.GuestExit;
import dev.diskfleet.hypervisor.RunDirectory;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * One running QEMU and what we learn from it. The monitor connection ending is the sign that QEMU exited
 * (the kernel closes its socket); the exit is then confirmed in /proc and explained by the last
 * {@code SHUTDOWN} event, if there was one.
 */
final class QemuGuest {

    static final int CONSOLE_LINES_ON_EXIT = 20;
    private static final Duration MONITOR_CONNECT = Duration.ofSeconds(10);

    private final UUID machineId;
    private final RunDirectory dir;
    private final QemuProcess process;
    private final BiConsumer<QemuGuest, GuestExit> onExit;
    private final CompletableFuture<GuestExit> exited = new CompletableFuture<>();
    private volatile QmpClient monitor;
    private volatile QmpEvent shutdown;
    private volatile boolean stopRequested;
    private volatile boolean released;

    QemuGuest(UUID machineId, RunDirectory dir, QemuProcess process, BiConsumer<QemuGuest, GuestExit> onExit) {
        this.machineId = machineId;
        this.dir = dir;
        this.process = process;
        this.onExit = onExit;
    }

    void connect() {
        monitor = QmpClient.connect(dir.monitorSocket(), MONITOR_CONNECT, "qmp-" + machineId, this::onEvent,
                this::onDisconnect);
    }

    UUID machineId() {
        return machineId;
    }

    RunDirectory dir() {
        return dir;
    }

    QemuProcess process() {
        return process;
    }

    QmpClient monitor() {
        return monitor;
    }

    /** From now on, an exit is one we asked for. */
    void markStopRequested() {
        stopRequested = true;
    }

    /** Stops watching without touching the guest: a service shutdown leaves it running. */
    void release() {
        released = true;
        QmpClient current = monitor;
        if (current != null) {
            current.close();
        }
    }

    /** The exit, once it happened within {@code timeout}; {@code null} if the guest still runs. */
    GuestExit awaitExit(Duration timeout) {
        try {
            return exited.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    boolean hasExited() {
        return exited.isDone();
    }

    private void onEvent(QmpEvent event) {
        if (event.name().equals("SHUTDOWN")) {
            shutdown = event;
        }
    }

    private void onDisconnect() {
        if (released) {
            return;
        }
        // QEMU closes the monitor as it exits; give it a moment to be gone from the process table.
        while (!process.awaitExit(Duration.ofSeconds(30))) {
            if (released) {
                return;
            }
        }
        GuestExit exit = new GuestExit(machineId, reason(), detail(),
                ConsoleTail.read(dir.consoleLog(), CONSOLE_LINES_ON_EXIT));
        // The driver forgets the guest and tells its listeners first, so that whoever waits for the exit
        // finds everything settled when it returns.
        try {
            onExit.accept(this, exit);
        } finally {
            exited.complete(exit);
        }
    }

    private ExitReason reason() {
        QmpEvent event = shutdown;
        if (event != null && "true".equals(event.text("guest"))) {
            return switch (event.text("reason")) {
                case "guest-shutdown" -> ExitReason.GUEST_POWERED_OFF;
                case "guest-reset" -> ExitReason.GUEST_REBOOTED;
                default -> ExitReason.ABNORMAL;
            };
        }
        return stopRequested ? ExitReason.STOPPED_BY_HOST : ExitReason.ABNORMAL;
    }

    private String detail() {
        QmpEvent event = shutdown;
        return event != null ? event.text("reason") : "QEMU exited without a SHUTDOWN event";
    }
}

package dev.diskfleet.provisioning.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Component;

/**
 * Counters and timers for what happens: services call these as it happens. The NBD server (an engine,
 * without Micrometer) counts its own bytes; {@link #nbdTraffic} turns the export service's totals into
 * counters.
 */
@Component
public class DiskfleetMeters {

    private final MeterRegistry registry;
    private final Counter boots;
    private final Counter bootFailures;
    private final Counter guestRead;
    private final Counter guestWritten;
    private final Counter replicated;

    public DiskfleetMeters(MeterRegistry registry) {
        this.registry = registry;
        this.boots = Counter.builder("diskfleet.boots").description("Machine starts and resets that succeeded")
                .register(registry);
        this.bootFailures = Counter.builder("diskfleet.boot.failures")
                .description("Machine starts and resets that failed").register(registry);
        this.guestRead = ioCounter("diskfleet.guest.io", "read", "Bytes read through the guest disk endpoint");
        this.guestWritten = ioCounter("diskfleet.guest.io", "write", "Bytes written through the guest disk endpoint");
        this.replicated = Counter.builder("diskfleet.replication.bytes").baseUnit("bytes")
                .description("Bytes of image files this node copied from other nodes").register(registry);
    }

    private Counter ioCounter(String name, String direction, String description) {
        return Counter.builder(name).baseUnit("bytes").tag("direction", direction).description(description)
                .register(registry);
    }

    public void booted() {
        boots.increment();
    }

    public void bootFailed() {
        bootFailures.increment();
    }

    public void guestRead(long bytes) {
        guestRead.increment(bytes);
    }

    public void guestWritten(long bytes) {
        guestWritten.increment(bytes);
    }

    public void replicated(long bytes) {
        replicated.increment(bytes);
    }

    /** NBD bytes as counters read from {@code source}'s running totals (never decreasing). */
    public <T> void nbdTraffic(T source, ToDoubleFunction<T> read, ToDoubleFunction<T> written) {
        FunctionCounter.builder("diskfleet.nbd.io", source, read).baseUnit("bytes").tag("direction", "read")
                .description("Bytes NBD clients read").register(registry);
        FunctionCounter.builder("diskfleet.nbd.io", source, written).baseUnit("bytes").tag("direction", "write")
                .description("Bytes NBD clients wrote").register(registry);
    }

    /** How long one operation took, by its kind and how it ended ({@code succeeded}, {@code failed}). */
    public void operationFinished(String kind, String state, Duration took) {
        Timer.builder("diskfleet.operation.duration").description("How long operations took, by kind and result")
                .tag("kind", kind).tag("state", state).register(registry).record(took);
    }
}

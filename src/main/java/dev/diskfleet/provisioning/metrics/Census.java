package dev.diskfleet.provisioning.metrics;

import dev.diskfleet.domain.fleet.FleetState;
import dev.diskfleet.domain.image.ImageState;
import dev.diskfleet.domain.image.ImageType;
import dev.diskfleet.domain.machine.MachineState;
import dev.diskfleet.storage.ImageStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.unit.DataSize;

/**
 * The {@code diskfleet_*} gauges: images by type and state, machines and fleets by state, operations by
 * kind and state, bytes of differencing disks and what they save, storage free space against
 * {@code diskfleet.limits.min-free-space}. Counted from the rows (and each differencing disk's file) when
 * scraped, at most once per {@code diskfleet.metrics.census-interval}, so a scrape every few seconds does
 * not open every image file each time.
 */
@Component
public class Census {

    private final EntityManager entities;
    private final ImageStore store;
    private final TransactionTemplate readOnly;
    private final long intervalNanos;
    private final MeterRegistry registry;
    /** Operation kind/state pairs with a gauge: kinds are strings known only from the rows. */
    private final Set<String> operationGauges = ConcurrentHashMap.newKeySet();
    private CensusCount last;
    private long lastTaken;

    public Census(EntityManager entities, ImageStore store, PlatformTransactionManager transactions, MeterRegistry registry,
            @Value("${diskfleet.metrics.census-interval:15s}") Duration interval,
            @Value("${diskfleet.limits.min-free-space:1GB}") DataSize minFreeSpace) {
        this.entities = entities;
        this.registry = registry;
        this.store = store;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.intervalNanos = interval.toNanos();
        for (ImageType type : ImageType.values()) {
            for (ImageState state : ImageState.values()) {
                gauge(registry, "diskfleet.images", "Images by type and state",
                        Tags.of("type", lower(type), "state", lower(state)), c -> c.count(c.images(), lower(type) + "/" + lower(state)));
            }
        }
        for (MachineState state : MachineState.values()) {
            gauge(registry, "diskfleet.machines", "Machines by power state", Tags.of("state", state.apiName()),
                    c -> c.count(c.machines(), state.apiName()));
        }
        for (FleetState state : FleetState.values()) {
            gauge(registry, "diskfleet.fleets", "Fleets by state", Tags.of("state", lower(state)),
                    c -> c.count(c.fleets(), lower(state)));
        }
        Gauge.builder("diskfleet.differencing.used", this, census -> census.count().differencingBytes())
                .baseUnit("bytes").description("Bytes all differencing disks occupy").register(registry);
        Gauge.builder("diskfleet.differencing.saved", this, census -> census.count().differencingSavedBytes())
                .baseUnit("bytes").description("Bytes differencing disks save: what a full copy of each would repeat"
                        + " from the images below it").register(registry);
        Gauge.builder("diskfleet.storage.free", this, census -> census.count().storageFreeBytes())
                .baseUnit("bytes").description("Usable bytes on the storage root's file system").register(registry);
        // Held strongly: a gauge holds its object weakly, and nothing else keeps this DataSize, so a collection
        // would leave the gauge reading NaN.
        Gauge.builder("diskfleet.storage.min.free", minFreeSpace, DataSize::toBytes).strongReference(true)
                .baseUnit("bytes").description("The configured diskfleet.limits.min-free-space").register(registry);
    }

    /**
     * A gauge per kind and state, added the first time a count sees it and kept (at 0 when no such operation
     * is left): replacing gauges while a scrape reads them would list one label set twice.
     */
    private void registerOperationGauge(String kindAndState) {
        if (operationGauges.add(kindAndState)) {
            String[] parts = kindAndState.split("/", 2);
            gauge(registry, "diskfleet.operations", "Operations by kind and state",
                    Tags.of("kind", parts[0], "state", parts[1]), c -> c.count(c.operations(), kindAndState));
        }
    }

    private void gauge(MeterRegistry registry, String name, String description, Tags tags,
            ToDoubleFunction<CensusCount> value) {
        Gauge.builder(name, this, census -> value.applyAsDouble(census.count())).tags(tags).description(description)
                .register(registry);
    }

    /** The latest count, taken anew when older than the interval. */
    synchronized CensusCount count() {
        long now = System.nanoTime();
        if (last == null || now - lastTaken >= intervalNanos) {
            last = readOnly.execute(status -> take());
            lastTaken = now;
            last.operations().keySet().forEach(this::registerOperationGauge);
        }
        return last;
    }

    private CensusCount take() {
        Map<String, Long> images = grouped("select concat(lower(cast(i.type as string)), '/', lower(cast(i.state as string))),"
                + " count(i) from Image i group by i.type, i.state");
        Map<String, Long> machines = new HashMap<>();
        grouped("select cast(m.state as string), count(m) from Machine m group by m.state").forEach((state, n) ->
                machines.put(MachineState.valueOf(state).apiName(), n));
        Map<String, Long> fleets = grouped("select lower(cast(f.state as string)), count(f) from Fleet f group by f.state");
        Map<String, Long> operations = grouped("select concat(o.kind, '/', lower(cast(o.state as string))), count(o)"
                + " from Operation o group by o.kind, o.state");
        Map<UUID, UUID> parents = new HashMap<>();
        for (Object[] row : entities.createQuery("select i.id, i.parentId from Image i", Object[].class).getResultList()) {
            parents.put((UUID) row[0], (UUID) row[1]);
        }
        Map<UUID, Long> allocated = new HashMap<>();
        parents.keySet().forEach(id -> allocated.put(id, allocatedBytes(id)));
        long used = 0;
        long saved = 0;
        for (Map.Entry<UUID, UUID> image : parents.entrySet()) {
            if (image.getValue() != null) {
                used += allocated.get(image.getKey());
                saved += CensusCount.savedBy(image.getKey(), parents, allocated);
            }
        }
        return new CensusCount(images, machines, fleets, operations, used, saved, freeBytes());
    }

    private Map<String, Long> grouped(String query) {
        Map<String, Long> counts = new HashMap<>();
        List<Object[]> rows = entities.createQuery(query, Object[].class).getResultList();
        for (Object[] row : rows) {
            counts.put(String.valueOf(row[0]), ((Number) row[1]).longValue());
        }
        return counts;
    }

    private long allocatedBytes(UUID image) {
        try {
            return store.describe(image).allocatedBytes();
        } catch (RuntimeException missingOrUnreadable) {
            return 0;
        }
    }

    private long freeBytes() {
        try {
            return store.usableBytes();
        } catch (IOException e) {
            return -1;
        }
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}

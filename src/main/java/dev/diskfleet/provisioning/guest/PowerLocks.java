package dev.diskfleet.provisioning.guest;

import dev.diskfleet.domain.ConflictException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock per machine for its power actions, held only while an action runs or waits: a machine's entry
 * goes once nobody uses it, so a service that makes and deletes machines for months keeps no lock per
 * machine it ever saw. Entries are counted and removed inside {@link ConcurrentHashMap#compute}, which runs
 * atomically per key, so an action never waits on a lock another action has already dropped from the map.
 */
final class PowerLocks {

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        /** Actions holding or waiting for {@link #lock}; changed only inside the map's compute functions. */
        int users;
    }

    private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();
    private final Duration patience;

    /** {@code patience}: how long an action waits for the one before it before the caller gets 409 machine-busy. */
    PowerLocks(Duration patience) {
        this.patience = patience;
    }

    <T> T with(UUID machineId, Supplier<T> work) {
        Entry entry = entries.compute(machineId, (id, existing) -> {
            Entry e = existing != null ? existing : new Entry();
            e.users++;
            return e;
        });
        try {
            acquire(machineId, entry.lock);
            try {
                return work.get();
            } finally {
                entry.lock.unlock();
            }
        } finally {
            entries.computeIfPresent(machineId, (id, e) -> --e.users == 0 ? null : e);
        }
    }

    /** Machines with an action running or waiting: what the map holds. */
    int size() {
        return entries.size();
    }

    private void acquire(UUID machineId, ReentrantLock lock) {
        try {
            if (!lock.tryLock(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ConflictException("machine-busy", "machine " + machineId + " is busy: another power"
                        + " action on it has not finished within " + patience.toSeconds() + " seconds; retry later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConflictException("machine-busy", "interrupted waiting for machine " + machineId);
        }
    }
}

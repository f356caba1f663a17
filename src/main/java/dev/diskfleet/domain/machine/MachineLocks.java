package dev.diskfleet.domain.machine;

import dev.diskfleet.domain.ConflictException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.springframework.stereotype.Component;

/**
 * Keeps guest disk I/O and changes to a machine's disk layout apart. Guest reads and writes share the
 * lock; taking, restoring or deleting a snapshot, detaching, power-on resets and deleting the machine
 * take it alone, because they swap, empty or merge the very files a guest read or write streams through
 * (a write that continued into a medium that has just been frozen under a snapshot would corrupt its
 * children). The row lock in the database orders layout changes among themselves; this lock orders them
 * against I/O, which holds no transaction while it streams. Image files are opened by this process only,
 * so a lock in this process is enough.
 */
@Component
public class MachineLocks {

    private static final long WAIT_SECONDS = 30;

    private final Map<UUID, ReentrantReadWriteLock> locks = new ConcurrentHashMap<>();

    /** Held while a guest reads or writes its disks; any number at once. */
    public Lock guestIo(UUID machineId) {
        return acquire(machineId, lock(machineId).readLock(), "read or write its disks");
    }

    /** Held while the machine's disk layout changes; alone. */
    public Lock layoutChange(UUID machineId) {
        return acquire(machineId, lock(machineId).writeLock(), "change its disks");
    }

    /** Runs {@code work} while holding the layout lock. */
    public <T> T withLayoutChange(UUID machineId, java.util.function.Supplier<T> work) {
        Lock lock = layoutChange(machineId);
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    public void forget(UUID machineId) {
        locks.remove(machineId);
    }

    private ReentrantReadWriteLock lock(UUID machineId) {
        return locks.computeIfAbsent(machineId, id -> new ReentrantReadWriteLock(true));
    }

    private static Lock acquire(UUID machineId, Lock lock, String action) {
        try {
            if (lock.tryLock(WAIT_SECONDS, TimeUnit.SECONDS)) {
                return lock;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new ConflictException("machine-busy", "machine " + machineId + " is busy: another request is "
                + "streaming its disks or changing them, so it could not " + action + " within " + WAIT_SECONDS
                + " seconds; retry when that request has finished");
    }
}

package dev.diskfleet.domain.machine;

import dev.diskfleet.domain.ConflictException;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>A long-lived reader or writer (an NBD export of the machine's disk) takes the guest-I/O lock per
 * request, like an HTTP transfer, and in addition <em>holds the disks</em> ({@link #holdDisks}): while held,
 * layout changes that swap, merge or remove a medium are refused at once, naming the holder, instead of
 * pulling the medium out from under the export between two requests. Emptying media in place at power-on
 * ({@link #withMediaReset}) stays allowed: every reader of the shared open file sees the reset.
 */
@Component
public class MachineLocks {

    private static final long WAIT_SECONDS = 30;

    private final Map<UUID, ReentrantReadWriteLock> locks = new ConcurrentHashMap<>();
    private final Map<UUID, List<DiskHold>> diskHolds = new ConcurrentHashMap<>();

    /** Held while a guest reads or writes its disks; any number at once. */
    public Lock guestIo(UUID machineId) {
        return acquire(machineId, lock(machineId).readLock(), "read or write its disks");
    }

    /**
     * Held while the machine's disk layout changes; alone. Refused with a conflict naming the holder while
     * something holds the disks ({@link #holdDisks}).
     */
    public Lock layoutChange(UUID machineId) {
        Lock lock = acquire(machineId, lock(machineId).writeLock(), "change its disks");
        List<DiskHold> holds = diskHolds.get(machineId);
        if (holds != null) {
            lock.unlock();
            throw new ConflictException("disks-held", "cannot change the disks of machine " + machineId + ": "
                    + holds.stream().map(DiskHold::holder).toList() + " serve(s) them; delete the export(s) first");
        }
        return lock;
    }

    /** Runs {@code work} while holding the layout lock. */
    public <T> T withLayoutChange(UUID machineId, java.util.function.Supplier<T> work) {
        return runHolding(layoutChange(machineId), work);
    }

    /**
     * Runs {@code work} alone against guest I/O, like a layout change, but allowed while the disks are held:
     * for power-on, which only empties autoReset media in place and swaps none.
     */
    public <T> T withMediaReset(UUID machineId, java.util.function.Supplier<T> work) {
        return runHolding(acquire(machineId, lock(machineId).writeLock(), "reset its disks"), work);
    }

    /**
     * Marks the machine's disks as served by {@code holder} (e.g. "NBD export disk-… (id)") until the
     * returned hold is closed. Take it while holding {@link #guestIo}, so no layout change is under way.
     */
    public DiskHold holdDisks(UUID machineId, String holder) {
        DiskHold hold = new DiskHold(machineId, holder);
        diskHolds.compute(machineId, (id, holds) -> {
            List<DiskHold> more = holds == null ? new ArrayList<>() : new ArrayList<>(holds);
            more.add(hold);
            return List.copyOf(more);
        });
        return hold;
    }

    /** One holder of a machine's disks; closing it twice is harmless. */
    public final class DiskHold implements AutoCloseable {

        private final UUID machineId;
        private final String holder;

        private DiskHold(UUID machineId, String holder) {
            this.machineId = machineId;
            this.holder = holder;
        }

        public String holder() {
            return holder;
        }

        @Override
        public void close() {
            diskHolds.computeIfPresent(machineId, (id, holds) -> {
                List<DiskHold> fewer = holds.stream().filter(h -> h != this).toList();
                return fewer.isEmpty() ? null : fewer;
            });
        }
    }

    private static <T> T runHolding(Lock lock, java.util.function.Supplier<T> work) {
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

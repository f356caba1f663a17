package dev.diskfleet.provisioning.export;

import dev.diskfleet.domain.machine.MachineLocks;
import dev.diskfleet.nbd.BlockDevice;
import dev.diskfleet.nbd.Extent;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * A machine's disk device whose every request holds the machine's guest-I/O lock, as an HTTP read or
 * write of {@code .../data} does: a layout change (snapshot, detach) waits for requests in flight, and
 * none of them continues into a medium that was swapped meanwhile, even on a client dropped as its
 * export closes.
 */
final class GuestIoDevice extends ForwardingDevice {

    private final MachineLocks locks;
    private final UUID machineId;

    GuestIoDevice(BlockDevice device, MachineLocks locks, UUID machineId) {
        super(device);
        this.locks = locks;
        this.machineId = machineId;
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        locked(() -> {
            device.read(offset, dst);
            return null;
        });
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        locked(() -> {
            device.write(offset, src);
            return null;
        });
    }

    @Override
    public void writeZeroes(long offset, long length) {
        locked(() -> {
            device.writeZeroes(offset, length);
            return null;
        });
    }

    @Override
    public void trim(long offset, long length) {
        locked(() -> {
            device.trim(offset, length);
            return null;
        });
    }

    @Override
    public void flush() {
        locked(() -> {
            device.flush();
            return null;
        });
    }

    @Override
    public List<Extent> allocation(long offset, long length, int maxExtents) {
        return locked(() -> device.allocation(offset, length, maxExtents));
    }

    private <T> T locked(Supplier<T> request) {
        Lock lock = locks.guestIo(machineId);
        try {
            return request.get();
        } finally {
            lock.unlock();
        }
    }
}

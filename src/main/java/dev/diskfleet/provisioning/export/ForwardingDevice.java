package dev.diskfleet.provisioning.export;

import dev.diskfleet.nbd.BlockDevice;
import dev.diskfleet.nbd.Extent;
import java.nio.ByteBuffer;
import java.util.List;

/** A device that passes every request to another; a subclass adds its rule to the requests it names. */
abstract class ForwardingDevice implements BlockDevice {

    protected final BlockDevice device;

    ForwardingDevice(BlockDevice device) {
        this.device = device;
    }

    @Override
    public long size() {
        return device.size();
    }

    @Override
    public boolean writable() {
        return device.writable();
    }

    @Override
    public boolean canWriteZeroes() {
        return device.canWriteZeroes();
    }

    @Override
    public boolean canTrim() {
        return device.canTrim();
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        device.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        device.write(offset, src);
    }

    @Override
    public void writeZeroes(long offset, long length) {
        device.writeZeroes(offset, length);
    }

    @Override
    public void trim(long offset, long length) {
        device.trim(offset, length);
    }

    @Override
    public void flush() {
        device.flush();
    }

    @Override
    public List<Extent> allocation(long offset, long length, int maxExtents) {
        return device.allocation(offset, length, maxExtents);
    }
}

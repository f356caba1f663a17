package dev.diskfleet.crash;

import java.util.ArrayList;
import java.util.List;

/**
 * What a guest disk must read, from the writes the service acknowledged: each write fills its range with
 * a pattern of its own tag, later writes cover earlier ones, and what no write covered reads as zeros.
 * Immutable: a snapshot keeps the value it was taken at, a restore goes back to it.
 */
record WrittenDisk(List<Write> writes) {

    record Write(long offset, int length, int tag) {

        boolean covers(long position) {
            return position >= offset && position < offset + length;
        }
    }

    static final WrittenDisk BLANK = new WrittenDisk(List.of());

    WrittenDisk plus(Write write) {
        List<Write> more = new ArrayList<>(writes);
        more.add(write);
        return new WrittenDisk(List.copyOf(more));
    }

    /** The bytes a write of {@code tag} puts at {@code position}: every 512-byte sector differs from the next. */
    static byte pattern(int tag, long position) {
        return (byte) (tag * 37 + (position >>> 9) * 13 + (position & 0x1ff));
    }

    static byte[] fill(int tag, long offset, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = pattern(tag, offset + i);
        }
        return bytes;
    }

    byte[] expected(long offset, int length) {
        byte[] bytes = new byte[length];
        for (Write write : writes) {
            long from = Math.max(offset, write.offset());
            long to = Math.min(offset + length, write.offset() + write.length());
            for (long position = from; position < to; position++) {
                bytes[(int) (position - offset)] = pattern(write.tag(), position);
            }
        }
        return bytes;
    }

    /** Ranges worth reading back: the start and end of every write and the bytes just past it. */
    List<long[]> probes(long diskSize) {
        List<long[]> probes = new ArrayList<>();
        int probe = 4096;
        for (Write write : writes) {
            probes.add(new long[] {write.offset(), probe});
            probes.add(new long[] {write.offset() + write.length() - probe, probe});
            if (write.offset() + write.length() + probe <= diskSize) {
                probes.add(new long[] {write.offset() + write.length(), probe});
            }
        }
        probes.add(new long[] {diskSize - probe, probe});
        return probes;
    }
}

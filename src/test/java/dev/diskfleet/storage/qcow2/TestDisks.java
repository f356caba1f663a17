package dev.diskfleet.storage.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.storage.Chain;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

/** Random guest writes mirrored into the bytes the disk should then hold, and comparing disks. */
final class TestDisks {

    /** Where a test's writes go: a chain, or an image of a store. */
    @FunctionalInterface
    interface Target {
        void write(long offset, ByteBuffer src);
    }

    private TestDisks() {
    }

    /** {@code count} writes of 1 to {@code maxLength} random bytes at random offsets, crossing clusters. */
    static void writeRandomly(Target target, byte[] expected, Random random, int count, int maxLength) {
        for (int i = 0; i < count; i++) {
            int length = 1 + random.nextInt(maxLength);
            int offset = random.nextInt(expected.length - length);
            byte[] data = new byte[length];
            random.nextBytes(data);
            target.write(offset, ByteBuffer.wrap(data));
            System.arraycopy(data, 0, expected, offset, length);
        }
    }

    /** Random bytes over the whole disk, written 1 MiB at a time. */
    static void fillWithNoise(Target target, byte[] expected, Random random) {
        byte[] chunk = new byte[1 << 20];
        for (int at = 0; at < expected.length; at += chunk.length) {
            int length = Math.min(chunk.length, expected.length - at);
            random.nextBytes(chunk);
            target.write(at, ByteBuffer.wrap(chunk, 0, length));
            System.arraycopy(chunk, 0, expected, at, length);
        }
    }

    static byte[] readAll(Chain chain) {
        ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(chain.virtualSize()));
        chain.read(0, all);
        return all.array();
    }

    /** Compares without printing megabytes: a mismatch names the first differing byte. */
    static void assertSameBytes(byte[] actual, byte[] expected) {
        assertThat(actual.length).as("length").isEqualTo(expected.length);
        assertThat(Arrays.mismatch(actual, expected)).as("first differing byte").isEqualTo(-1);
    }
}

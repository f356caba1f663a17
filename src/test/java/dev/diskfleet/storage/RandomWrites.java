package dev.diskfleet.storage;

import java.util.Random;

/**
 * Generates the writes a guest might issue, biased towards the edges a block-based format gets wrong:
 * ranges crossing 1 MiB block boundaries, unaligned ranges, zero-length writes, the disk's last byte and
 * whole blocks of zeros.
 */
final class RandomWrites {

    static final int BLOCK = 1 << 20;

    record Write(long offset, byte[] data) {
        @Override
        public String toString() {
            return "write of " + data.length + " bytes at " + offset;
        }
    }

    private final Random random;
    private final long size;

    RandomWrites(Random random, long size) {
        this.random = random;
        this.size = size;
    }

    Write next() {
        return switch (random.nextInt(9)) {
            case 0 -> randomBytes(randomOffset(), 1 + random.nextInt(BLOCK * 5 / 2));
            case 1 -> randomBytes(randomOffset(), 1 + random.nextInt(600));
            case 2 -> new Write(random.nextInt(8) == 0 ? size : randomOffset(), new byte[0]);
            case 3 -> randomBytes(size - 1 - random.nextInt(3), 1 + random.nextInt(3));
            case 4 -> wholeBlock(true);
            case 5 -> wholeBlock(false);
            case 6 -> acrossBoundary();
            case 7 -> zeros(randomOffset(), 1 + random.nextInt(BLOCK + BLOCK / 2));
            default -> randomBytes(size - 1 - random.nextInt(BLOCK * 2), BLOCK * 2);
        };
    }

    /** A whole block (the disk's last block may be short) of zeros or of random bytes. */
    Write wholeBlock(boolean zeros) {
        long block = random.nextLong((size + BLOCK - 1) / BLOCK);
        long offset = block * BLOCK;
        int length = (int) Math.min(BLOCK, size - offset);
        return zeros ? new Write(offset, new byte[length]) : randomBytes(offset, length);
    }

    private Write acrossBoundary() {
        long boundaries = (size - 1) / BLOCK;
        if (boundaries == 0) {
            return randomBytes(randomOffset(), 17);
        }
        long boundary = (1 + random.nextLong(boundaries)) * BLOCK;
        long before = 1 + random.nextInt(700);
        return randomBytes(boundary - before, before + 1 + random.nextInt(700));
    }

    private long randomOffset() {
        return random.nextLong(size);
    }

    private Write randomBytes(long offset, long wanted) {
        offset = Math.max(0, offset);
        byte[] data = new byte[(int) Math.min(wanted, size - offset)];
        random.nextBytes(data);
        return new Write(offset, data);
    }

    private Write zeros(long offset, int wanted) {
        return new Write(offset, new byte[(int) Math.min(wanted, size - offset)]);
    }
}

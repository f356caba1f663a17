package dev.diskfleet.nbd;

/**
 * A run of the disk with one {@code base:allocation} state: {@code flags} are proto.md's
 * {@code NBD_STATE_HOLE} (bit 0, not stored) and {@code NBD_STATE_ZERO} (bit 1, reads as zeros).
 */
public record Extent(long length, int flags) {

    public static final int HOLE = 1;
    public static final int ZERO = 2;

    public static Extent data(long length) {
        return new Extent(length, 0);
    }

    public static Extent zeroHole(long length) {
        return new Extent(length, HOLE | ZERO);
    }

    public boolean readsAsZeros() {
        return (flags & ZERO) != 0;
    }

    Extent longerBy(long more) {
        return new Extent(length + more, flags);
    }
}

package dev.diskfleet.storage;

import java.util.List;

/** One parser under fuzzing: its name in the campaign's report, its format and the seeds aimed at it. */
record FuzzTarget(String name, String format, List<Seed> seeds) {

    /**
     * A qemu-made file and, for this parser, the byte ranges mutations aim at and values that mean
     * something in the file (offsets of its tables and clusters, its length, its entries): writing those
     * makes structure-aware mutations, such as an entry pointed at another table or two entries made equal.
     */
    record Seed(String name, byte[] bytes, List<long[]> ranges, long[] meaningfulValues) {
    }
}

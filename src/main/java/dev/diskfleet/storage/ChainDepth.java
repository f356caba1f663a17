package dev.diskfleet.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The one bound on a chain's depth and the one walk along parent links, shared by the files' chains here
 * and by every walk over the rows that record them: a loop or a crafted chain can then never make a walk
 * run on, and the rows never describe a chain deeper than the store would open.
 */
public final class ChainDepth {

    /** Deeper chains are refused: a guard against loops and against stack depth in chain reads. */
    public static final int MAX = 64;

    private ChainDepth() {
    }

    /**
     * Top first: {@code top} and each parent {@code parentOf} gives after it, until one has none (null) or
     * the list holds {@link #MAX} entries; {@code parentOf} is never asked for the parent of the last.
     */
    public static <T> List<T> upFrom(T top, UnaryOperator<T> parentOf) {
        return upFrom(top, parentOf, entry -> false);
    }

    /** The same, ending before the first entry {@code stopAt} accepts (empty when it accepts {@code top}). */
    public static <T> List<T> upFrom(T top, UnaryOperator<T> parentOf, Predicate<? super T> stopAt) {
        List<T> chain = new ArrayList<>();
        T current = top;
        while (current != null && !stopAt.test(current)) {
            chain.add(current);
            if (chain.size() >= MAX) {
                break;
            }
            current = parentOf.apply(current);
        }
        return chain;
    }

    /** Whether a walk down from a base that has come {@code depth} steps may take one more. */
    public static boolean allowsBelow(int depth) {
        return depth < MAX;
    }
}

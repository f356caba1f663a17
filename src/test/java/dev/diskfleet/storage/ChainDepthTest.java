package dev.diskfleet.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainDepthTest {

    @Test
    void walkGoesFromTheTopToTheBase() {
        assertThat(ChainDepth.upFrom(3, n -> n == 0 ? null : n - 1)).containsExactly(3, 2, 1, 0);
    }

    @Test
    void loopingParentLinksEndAtTheDeepestChainTheStoreOpensWithoutAskingForMore() {
        List<Integer> asked = new ArrayList<>();
        List<Integer> chain = ChainDepth.upFrom(0, n -> {
            asked.add(n);
            return (n + 1) % 2;
        });
        assertThat(chain).hasSize(ChainDepth.MAX);
        assertThat(asked).hasSize(ChainDepth.MAX - 1);
    }

    @Test
    void walkStopsBeforeTheEntryItWasToldToStopAt() {
        assertThat(ChainDepth.upFrom(5, n -> n - 1, n -> n == 2)).containsExactly(5, 4, 3);
        assertThat(ChainDepth.upFrom(2, n -> n - 1, n -> n == 2)).isEmpty();
    }

    @Test
    void aDownwardWalkMayStepBelowOnlyWhileUnderTheBound() {
        assertThat(ChainDepth.allowsBelow(ChainDepth.MAX - 1)).isTrue();
        assertThat(ChainDepth.allowsBelow(ChainDepth.MAX)).isFalse();
    }
}

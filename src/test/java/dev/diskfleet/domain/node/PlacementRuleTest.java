package dev.diskfleet.domain.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.diskfleet.domain.InsufficientStorageException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlacementRuleTest {

    private static final List<NodeRoom> THREE = List.of(new NodeRoom("node-c", 2048), new NodeRoom("node-a", 2048),
            new NodeRoom("node-b", 3072));

    @Test
    void spreadSendsEachNextMemberToTheNodeWithTheMostMemoryLeft() {
        List<String> placed = PlacementRule.place(THREE, 6, 512, Placement.SPREAD, "fleet f");

        assertThat(placed).as("node-b starts with 1 GiB more, so it takes two first; ties go to the first name")
                .containsExactly("node-b", "node-b", "node-a", "node-b", "node-c", "node-a");
        assertThat(counts(PlacementRule.place(THREE, 7, 1024, Placement.SPREAD, "fleet f")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("node-a", 2L, "node-b", 3L, "node-c", 2L));
    }

    @Test
    void packFillsTheNodeWithTheLeastRoomThatFitsBeforeTheNext() {
        List<String> placed = PlacementRule.place(THREE, 5, 1024, Placement.PACK, "fleet f");

        assertThat(placed).containsExactly("node-a", "node-a", "node-c", "node-c", "node-b");
    }

    @Test
    void membersThatDoNotAllFitAreRefusedNamingWhatIsAskedAndWhatEachNodeHasFree() {
        assertThatThrownBy(() -> PlacementRule.place(THREE, 8, 1024, Placement.SPREAD, "fleet big"))
                .isInstanceOfSatisfying(InsufficientStorageException.class,
                        e -> assertThat(e.slug()).isEqualTo("insufficient-guest-memory"))
                .hasMessageContaining("fleet big needs 8 × 1024 MiB = 8192 MiB")
                .hasMessageContaining("node-a 2048 MiB (room for 2), node-b 3072 MiB (room for 3), node-c 2048 MiB");
        assertThatThrownBy(() -> PlacementRule.place(List.of(), 1, 512, Placement.PACK, "machine m"))
                .hasMessageContaining("no node is online and undrained");
    }

    @Test
    void aMemberLargerThanEveryNodeFitsNowhereEvenWhenTheirSumWouldHoldIt() {
        assertThatThrownBy(() -> PlacementRule.place(THREE, 1, 4096, Placement.PACK, "fleet wide"))
                .isInstanceOf(InsufficientStorageException.class).hasMessageContaining("room for 0");
    }

    private static Map<String, Long> counts(List<String> placed) {
        return placed.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}

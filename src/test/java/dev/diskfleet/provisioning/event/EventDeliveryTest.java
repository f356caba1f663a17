package dev.diskfleet.provisioning.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the stream that need no service: filters, slow clients, connection limit, console tail. */
class EventDeliveryTest {

    private static final UUID MACHINE = UUID.randomUUID();

    @Test
    void aTypeFilterTakesWholeKindsAndTheResourceFilterTakesEventsNamingIt() {
        StreamEvent state = new StreamEvent(1L, "machine.state", MACHINE, "{\"id\":\"" + MACHINE + "\"}");
        StreamEvent attached = new StreamEvent(2L, "attachment.created", UUID.randomUUID(),
                "{\"machineId\":\"" + MACHINE + "\"}");
        assertThat(new EventFilter(Set.of("machine"), null).accepts(state)).isTrue();
        assertThat(new EventFilter(Set.of("machine.created"), null).accepts(state)).isFalse();
        assertThat(new EventFilter(Set.of(), MACHINE).accepts(attached)).isTrue();
        assertThat(new EventFilter(Set.of(), UUID.randomUUID()).accepts(state)).isFalse();
    }

    @Test
    void aClientThatFallsBehindItsQueueIsDroppedWhileOthersKeepReceiving() throws Exception {
        EventBroadcast broadcast = new EventBroadcast(10, 3);
        Subscription slow = broadcast.subscribe(new EventFilter(Set.of(), null));
        Subscription fast = broadcast.subscribe(new EventFilter(Set.of(), null));
        for (long id = 1; id <= 4; id++) {
            broadcast.send(new StreamEvent(id, "machine.changed", MACHINE, "{}"));
            assertThat(fast.next(10).id()).isEqualTo(id);
        }
        assertThat(slow.overflowed()).isTrue();
        assertThat(fast.overflowed()).isFalse();
    }

    @Test
    void refusesConnectionsPastTheLimitAndFreesThemOnClose() {
        EventBroadcast broadcast = new EventBroadcast(2, 10);
        Subscription one = broadcast.subscribe(new EventFilter(Set.of(), null));
        assertThat(broadcast.subscribe(new EventFilter(Set.of(), null))).isNotNull();
        assertThat(broadcast.subscribe(new EventFilter(Set.of(), null))).isNull();
        one.close();
        assertThat(broadcast.subscribe(new EventFilter(Set.of(), null))).isNotNull();
    }

    @Test
    void theConsoleFollowerReturnsOnlyNewWholeLinesAndStartsOverWhenTheLogIsReplaced(@TempDir Path dir)
            throws Exception {
        Path log = dir.resolve("console.log");
        Files.writeString(log, "old boot line\n");
        ConsoleFollower follower = new ConsoleFollower(log);
        assertThat(follower.newLines()).isEmpty();
        Files.writeString(log, "login: \r\nhalf", StandardOpenOption.APPEND);
        assertThat(follower.newLines()).containsExactly("login: ");
        Files.writeString(log, " a line\n", StandardOpenOption.APPEND);
        assertThat(follower.newLines()).containsExactly("half a line");
        Files.writeString(log, "new\n");
        assertThat(follower.newLines()).containsExactly("new");
    }

    @Test
    void aConsoleLogThatAppearsLaterIsFollowedFromItsFirstLine(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("console.log");
        ConsoleFollower follower = new ConsoleFollower(log);
        assertThat(follower.newLines()).isEmpty();
        Files.writeString(log, "SeaBIOS\nbooting\n");
        assertThat(follower.newLines()).containsExactly("SeaBIOS", "booting");
    }
}

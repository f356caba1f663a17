package dev.diskfleet.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.domain.operation.Operation;
import dev.diskfleet.provisioning.operation.OperationOutcome;
import dev.diskfleet.provisioning.operation.OperationRunner;
import dev.diskfleet.support.FullStackFleetTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Work that reports interim results (as a fleet deployment reports its members batch by batch) and ends
 * without a result of its own: the operation a client reads keeps the newest interim result, whether the
 * work succeeded or failed.
 */
class OperationInterimResultTest extends FullStackFleetTest {

    @Autowired
    OperationRunner operations;

    @Test
    void workThatFailsKeepsItsNewestInterimResult() {
        Operation operation = operations.submit("test.interim", UUID.randomUUID(), context -> {
            context.result(Map.of("made", List.of("a")));
            context.result(Map.of("made", List.of("a", "b")));
            throw new IllegalStateException("the third could not be made");
        });

        JsonNode finished = api.awaitOperation("/api/operations/" + operation.getId());

        assertThat(finished.get("state").asString()).isEqualTo("failed");
        assertThat(finished.get("result").toString()).isEqualTo("{\"made\":[\"a\",\"b\"]}");
    }

    @Test
    void workThatSucceedsWithoutAResultOfItsOwnKeepsItsNewestInterimResult() {
        Operation operation = operations.submit("test.interim", UUID.randomUUID(), context -> {
            context.result(Map.of("made", 1));
            context.result(Map.of("made", 2));
            return OperationOutcome.created("/api/fleets/" + UUID.randomUUID());
        });

        JsonNode finished = api.awaitOperation("/api/operations/" + operation.getId());

        assertThat(finished.get("state").asString()).isEqualTo("succeeded");
        assertThat(finished.get("result").toString()).isEqualTo("{\"made\":2}");
    }
}

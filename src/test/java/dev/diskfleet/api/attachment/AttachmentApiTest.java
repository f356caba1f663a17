package dev.diskfleet.api.attachment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FullStackTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every attach and detach rule, each with its 409 (or 400) and what its message names. */
class AttachmentApiTest extends FullStackTest {

    private String nameOf(UUID machine) {
        return api.get("/api/machines/" + machine).json().get("name").asString();
    }

    @Test
    void disksAreAttachedAndDetachedOnlyWhileThePowerIsOff() {
        UUID machine = createMachine();
        UUID attachment = id(attached(machine, createImage("normal"), 0), "id");
        power(machine, "start");

        assertProblem(attach(machine, createImage("normal"), 1, ""), 409, "machine-running", "attach a disk",
                machine.toString());
        assertProblem(api.delete("/api/machines/" + machine + "/attachments/" + attachment), 409, "machine-running",
                "detach a disk", machine.toString());
        assertThat(api.get("/api/machines/" + machine + "/attachments").json()).hasSize(1);
    }

    @Test
    void aSlotHoldsOneImage() {
        UUID machine = createMachine();
        UUID first = createImage("normal");
        attached(machine, first, 3);

        assertProblem(attach(machine, createImage("writethrough"), 3, ""), 409, "slot-occupied", "port 3 device 0",
                first.toString());
        assertThat(attach(machine, createImage("writethrough"), 4, "").status()).isEqualTo(201);
    }

    @Test
    void aNormalImageIsAttachedToOneMachineAndTheRefusalNamesTheHolder() {
        UUID normal = createImage("normal");
        UUID holder = createMachine();
        attached(holder, normal, 0);

        assertProblem(attach(createMachine(), normal, 0, ""), 409, "image-attached-elsewhere", nameOf(holder),
                holder.toString(), "one machine at a time");
    }

    @Test
    void aWriteThroughImageIsAttachedDirectlyToOneMachineAtATime() {
        UUID writethrough = createImage("writethrough");
        UUID holder = createMachine();
        JsonNode attachment = attached(holder, writethrough, 0);
        assertThat(id(attachment, "mediumId")).isEqualTo(writethrough);
        assertThat(attachment.get("type").asString()).isEqualTo("writethrough");

        assertProblem(attach(createMachine(), writethrough, 0, ""), 409, "image-attached-elsewhere", nameOf(holder));

        assertThat(api.delete("/api/machines/" + holder + "/attachments/" + id(attachment, "id")).status())
                .isEqualTo(204);
        assertThat(api.get("/api/images/" + writethrough).status()).as("a detached image stays").isEqualTo(200);
        assertThat(attach(createMachine(), writethrough, 0, "").status()).isEqualTo(201);
    }

    @Test
    void twentyConcurrentAttachesOfOneNormalImageLetExactlyOneWin() throws Exception {
        UUID normal = createImage("normal");
        List<UUID> machines = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            machines.add(createMachine());
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<Reply>> answers = new ArrayList<>();
        try {
            for (UUID machine : machines) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return attach(machine, normal, 0, "");
                }));
            }
            go.countDown();
            List<Reply> responses = new ArrayList<>();
            for (Future<Reply> answer : answers) {
                responses.add(answer.get());
            }

            List<Reply> won = responses.stream().filter(r -> r.status() == 201).toList();
            assertThat(won).hasSize(1);
            UUID winner = id(won.get(0).json(), "machineId");
            for (Reply lost : responses.stream().filter(r -> r.status() != 201).toList()) {
                assertProblem(lost, 409, "image-attached-elsewhere", nameOf(winner), winner.toString());
            }
            assertThat(api.get("/api/images/" + normal).json().get("attachments")).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anImmutableRawImageCannotGiveMachinesTheirOwnDisks() {
        UUID raw = createImage("normal", "raw");
        assertThat(api.patch("/api/images/" + raw, "{\"type\":\"immutable\"}").status()).isEqualTo(200);

        assertProblem(attach(createMachine(), raw, 0, ""), 409, "no-differencing", raw.toString(), "clone it to vdi");
    }

    @Test
    void autoResetIsRefusedForImagesThatAreAttachedDirectly() {
        UUID normal = createImage("normal");

        assertProblem(attach(createMachine(), normal, 0, ",\"autoReset\":true"), 400, "autoreset-not-applicable",
                normal.toString());
    }

    @Test
    void aBadAttachRequestIsRefusedNamingEveryBadField() {
        UUID machine = createMachine();
        JsonNode problem = assertProblem(api.post("/api/machines/" + machine + "/attachments",
                "{\"port\":30,\"device\":2}"), 400, "validation", "imageId", "port", "device");
        assertThat(problem.get("errors").propertyNames()).containsExactlyInAnyOrder("imageId", "port", "device");

        UUID missing = UUID.randomUUID();
        assertProblem(attach(machine, missing, 0, ""), 404, "not-found", missing.toString());
        assertProblem(attach(missing, createImage("normal"), 0, ""), 404, "not-found", missing.toString());
        assertProblem(api.delete("/api/machines/" + machine + "/attachments/" + missing), 404, "not-found",
                missing.toString());
    }

    @Test
    void anAttachmentListsTheImageAskedForAndTheMediumAttached() {
        UUID machine = createMachine();
        UUID normal = createImage("normal");
        UUID immutable = createImage("immutable");
        attached(machine, normal, 0);
        attached(machine, immutable, 1);

        JsonNode list = api.get("/api/machines/" + machine + "/attachments").json();
        assertThat(list).hasSize(2);
        assertThat(id(list.get(0), "imageId")).isEqualTo(normal);
        assertThat(id(list.get(0), "mediumId")).isEqualTo(normal);
        assertThat(list.get(0).get("autoReset").asBoolean()).isFalse();
        assertThat(id(list.get(1), "imageId")).isEqualTo(immutable);
        assertThat(id(list.get(1), "mediumId")).isNotEqualTo(immutable);
        assertThat(list.get(1).get("autoReset").asBoolean()).isTrue();
        JsonNode usage = api.get("/api/images/" + immutable).json().get("attachments").get(0);
        assertThat(usage.get("machineId").asString()).isEqualTo(machine.toString());
        assertThat(usage.get("attachedImageId").asString()).isEqualTo(list.get(1).get("mediumId").asString());
    }
}

package dev.diskfleet.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.MachineApiTestSupport;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class MachineLifecycleTest extends MachineApiTestSupport {

    @Test
    void aNewMachineIsPoweredOffWithDefaultHardwareAndAnETag() {
        String name = unique("plain");
        HttpResponse<String> created = post("/api/machines", "{\"name\":\"" + name + "\"}");

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode machine = json(created);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/machines/" + machine.get("id").asString());
        assertThat(created.headers().firstValue("ETag")).isPresent();
        assertThat(machine.get("state").asString()).isEqualTo("poweredOff");
        assertThat(machine.get("cpus").asInt()).isEqualTo(1);
        assertThat(machine.get("memoryMb").asInt()).isEqualTo(1024);
        assertThat(machine.get("attachments")).isEmpty();

        HttpResponse<String> fetched = get("/api/machines/" + machine.get("id").asString());
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(json(fetched).get("name").asString()).isEqualTo(name);
        assertThat(fetched.headers().firstValue("ETag")).isEqualTo(created.headers().firstValue("ETag"));
    }

    @Test
    void anInvalidMachineIsRefusedNamingEveryBadField() {
        HttpResponse<String> refused = post("/api/machines", "{\"name\":\"\",\"cpus\":0,\"memoryMb\":1}");

        JsonNode problem = assertProblem(refused, 400, "validation", "name", "cpus", "memoryMb");
        assertThat(problem.get("errors").propertyNames()).containsExactlyInAnyOrder("name", "cpus", "memoryMb");
        JsonNode patchProblem = assertProblem(patch("/api/machines/" + createMachine(), "{\"name\":\"  \",\"cpus\":65}"),
                400, "validation", "name", "cpus");
        assertThat(patchProblem.get("errors").propertyNames()).containsExactlyInAnyOrder("name", "cpus");
    }

    @Test
    void aSecondMachineWithTheSameNameIsRefused() {
        String name = unique("twin");
        createMachine(name);

        assertProblem(post("/api/machines", "{\"name\":\"" + name + "\"}"), 409, "machine-name-taken", name);
    }

    @Test
    void aPatchWithAStaleETagIsRefusedAndACurrentOneApplies() {
        UUID machine = createMachine();
        String etag = get("/api/machines/" + machine).headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> first = patch("/api/machines/" + machine, "{\"cpus\":4}", "If-Match", etag);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(json(first).get("cpus").asInt()).isEqualTo(4);
        assertThat(first.headers().firstValue("ETag")).isPresent().isNotEqualTo(etag);

        assertProblem(patch("/api/machines/" + machine, "{\"memoryMb\":512}", "If-Match", etag), 412, "stale-etag",
                etag);
        assertThat(json(get("/api/machines/" + machine)).get("memoryMb").asInt()).isEqualTo(2048);
    }

    @Test
    void machinesAreListedPagedAndFilteredByNameAndState() {
        String prefix = unique("listed");
        UUID first = createMachine(prefix + "-a");
        createMachine(prefix + "-b");
        createMachine(prefix + "-c");
        power(first, "start");

        JsonNode page = json(get("/api/machines?name=" + prefix + "&size=2&page=0"));
        assertThat(page.get("totalItems").asLong()).isEqualTo(3);
        assertThat(page.get("totalPages").asInt()).isEqualTo(2);
        assertThat(page.get("items")).hasSize(2);
        JsonNode running = json(get("/api/machines?name=" + prefix + "&state=running"));
        assertThat(running.get("totalItems").asLong()).isEqualTo(1);
        assertThat(running.get("items").get(0).get("id").asString()).isEqualTo(first.toString());
        assertProblem(get("/api/machines?state=paused"), 400, "validation", "state");
    }

    @Test
    void aRunningMachineKeepsItsHardwareButMayBeRenamed() {
        UUID machine = createMachine();
        power(machine, "start");

        assertProblem(patch("/api/machines/" + machine, "{\"cpus\":8}"), 409, "machine-running",
                machine.toString(), "stop it first");
        String renamed = unique("renamed");
        HttpResponse<String> rename = patch("/api/machines/" + machine, "{\"name\":\"" + renamed + "\"}");
        assertThat(rename.statusCode()).isEqualTo(200);
        assertThat(json(rename).get("name").asString()).isEqualTo(renamed);
    }

    @Test
    void powerActionsFollowThePowerState() {
        UUID machine = createMachine();
        assertProblem(post("/api/machines/" + machine + "/stop"), 409, "machine-powered-off", machine.toString());
        assertProblem(post("/api/machines/" + machine + "/reset"), 409, "machine-powered-off", machine.toString());

        HttpResponse<String> started = post("/api/machines/" + machine + "/start");
        assertThat(started.statusCode()).isEqualTo(200);
        assertThat(json(started).get("state").asString()).isEqualTo("running");
        assertProblem(post("/api/machines/" + machine + "/start"), 409, "machine-running", "already running");
        HttpResponse<String> cycled = post("/api/machines/" + machine + "/reset");
        assertThat(json(cycled).get("state").asString()).isEqualTo("running");

        HttpResponse<String> stopped = post("/api/machines/" + machine + "/stop");
        assertThat(json(stopped).get("state").asString()).isEqualTo("poweredOff");
    }

    @Test
    void aRunningMachineCannotBeDeleted() {
        UUID machine = createMachine();
        power(machine, "start");

        assertProblem(delete("/api/machines/" + machine), 409, "machine-running", "cannot delete", machine.toString());
        assertThat(get("/api/machines/" + machine).statusCode()).isEqualTo(200);
    }

    @Test
    void deletingAMachineDetachesEverythingAndDeletesOnlyItsOwnDisks() {
        UUID golden = createImage("immutable");
        UUID normal = createImage("normal");
        UUID machine = createMachine();
        UUID ownDisk = id(attached(machine, golden, 0), "mediumId");
        attached(machine, normal, 1);
        byte[] data = pattern(11, 5000);
        UUID normalAttachment = id(json(get("/api/machines/" + machine + "/attachments")).get(1), "id");
        written(machine, normalAttachment, 12345, data);

        assertThat(delete("/api/machines/" + machine).statusCode()).isEqualTo(204);

        assertProblem(get("/api/machines/" + machine), 404, "not-found", machine.toString());
        assertThat(get("/api/images/" + ownDisk).statusCode()).isEqualTo(404);
        assertThat(imageFile(ownDisk)).doesNotExist();
        assertThat(json(get("/api/images/" + golden)).get("attachments")).isEmpty();
        assertThat(json(get("/api/images/" + normal)).get("attachments")).isEmpty();
        UUID other = createMachine();
        UUID again = id(attached(other, normal, 0), "id");
        assertThat(read(other, again, 12345, data.length)).isEqualTo(data);
    }

    @Test
    void aMachineWhoseDiskFileIsMissingDoesNotStart() throws Exception {
        UUID golden = createImage("immutable");
        UUID machine = createMachine();
        attached(machine, golden, 0);
        java.nio.file.Files.delete(imageFile(golden));

        assertProblem(post("/api/machines/" + machine + "/start"), 409, "medium-inaccessible", machine.toString(),
                golden.toString(), "missing");
        assertThat(json(get("/api/machines/" + machine)).get("state").asString()).isEqualTo("poweredOff");
    }

    @Test
    void anUnknownMachineIsA404Problem() {
        UUID missing = UUID.randomUUID();
        assertProblem(get("/api/machines/" + missing), 404, "not-found", missing.toString());
        assertProblem(post("/api/machines/" + missing + "/start"), 404, "not-found", missing.toString());
        assertProblem(delete("/api/machines/" + missing), 404, "not-found", missing.toString());
    }
}

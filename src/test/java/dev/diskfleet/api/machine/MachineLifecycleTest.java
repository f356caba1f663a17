package dev.diskfleet.api.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.domain.machine.MachineLimits;
import dev.diskfleet.provisioning.guest.GuestAdoption;
import dev.diskfleet.provisioning.guest.HostMemory;
import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FullStackTest;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

class MachineLifecycleTest extends FullStackTest {

    /** The startup step that adopts guests and removes what deleted machines left. */
    @Autowired
    GuestAdoption startup;

    @Test
    void aNewMachineIsPoweredOffWithDefaultHardwareAndAnETag() {
        String name = unique("plain");
        Reply created = api.post("/api/machines", "{\"name\":\"" + name + "\"}");

        assertThat(created.status()).isEqualTo(201);
        JsonNode machine = created.json();
        assertThat(created.header("Location")).hasValue("/api/machines/" + machine.get("id").asString());
        assertThat(created.header("ETag")).isPresent();
        assertThat(machine.get("state").asString()).isEqualTo("poweredOff");
        assertThat(machine.get("cpus").asInt()).isEqualTo(1);
        assertThat(machine.get("memoryMb").asInt()).isEqualTo(1024);
        assertThat(machine.get("attachments")).isEmpty();

        Reply fetched = api.get("/api/machines/" + machine.get("id").asString());
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json().get("name").asString()).isEqualTo(name);
        assertThat(fetched.header("ETag")).isEqualTo(created.header("ETag"));
    }

    @Test
    void anInvalidMachineIsRefusedNamingEveryBadField() {
        Reply refused = api.post("/api/machines", "{\"name\":\"\",\"cpus\":0,\"memoryMb\":1}");

        JsonNode problem = assertProblem(refused, 400, "validation", "name", "cpus", "memoryMb");
        assertThat(problem.get("errors").propertyNames()).containsExactlyInAnyOrder("name", "cpus", "memoryMb");
        JsonNode patchProblem = assertProblem(api.patch("/api/machines/" + createMachine(), "{\"name\":\"  \",\"cpus\":65}"),
                400, "validation", "name", "cpus");
        assertThat(patchProblem.get("errors").propertyNames()).containsExactlyInAnyOrder("name", "cpus");
    }

    @Test
    void aSecondMachineWithTheSameNameIsRefused() {
        String name = unique("twin");
        createMachine(name);

        assertProblem(api.post("/api/machines", "{\"name\":\"" + name + "\"}"), 409, "machine-name-taken", name);
    }

    @Test
    void aPatchWithAStaleETagIsRefusedAndACurrentOneApplies() {
        UUID machine = createMachine();
        String etag = api.get("/api/machines/" + machine).header("ETag").orElseThrow();
        Reply first = api.patch("/api/machines/" + machine, "{\"cpus\":4}", "If-Match", etag);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("cpus").asInt()).isEqualTo(4);
        assertThat(first.header("ETag")).isPresent().isNotEqualTo(etag);

        assertProblem(api.patch("/api/machines/" + machine, "{\"memoryMb\":512}", "If-Match", etag), 412, "stale-etag",
                etag);
        assertThat(api.get("/api/machines/" + machine).json().get("memoryMb").asInt()).isEqualTo(2048);
    }

    @Test
    void machinesAreListedPagedAndFilteredByNameAndState() {
        String prefix = unique("listed");
        UUID first = createMachine(prefix + "-a");
        createMachine(prefix + "-b");
        createMachine(prefix + "-c");
        power(first, "start");

        JsonNode page = api.get("/api/machines?name=" + prefix + "&size=2&page=0").json();
        assertThat(page.get("totalItems").asLong()).isEqualTo(3);
        assertThat(page.get("totalPages").asInt()).isEqualTo(2);
        assertThat(page.get("items")).hasSize(2);
        JsonNode running = api.get("/api/machines?name=" + prefix + "&state=running").json();
        assertThat(running.get("totalItems").asLong()).isEqualTo(1);
        assertThat(running.get("items").get(0).get("id").asString()).isEqualTo(first.toString());
        assertProblem(api.get("/api/machines?state=paused"), 400, "validation", "state");
    }

    @Test
    void machinesAreListedInNaturalNameOrderPageByPage() {
        String prefix = unique("natural") + "-db-";
        for (String n : List.of("10", "2", "11", "1")) {
            createMachine(prefix + n);
        }

        List<String> names = new ArrayList<>();
        for (int page = 0; page < 2; page++) {
            api.get("/api/machines?name=" + prefix + "&size=2&page=" + page).json().get("items")
                    .forEach(machine -> names.add(machine.get("name").asString()));
        }
        assertThat(names).containsExactly(prefix + "1", prefix + "2", prefix + "10", prefix + "11");
    }

    @Test
    void aRunningMachineKeepsItsHardwareButMayBeRenamed() {
        UUID machine = createMachine();
        power(machine, "start");

        assertProblem(api.patch("/api/machines/" + machine, "{\"cpus\":8}"), 409, "machine-running",
                machine.toString(), "stop it first");
        String renamed = unique("renamed");
        Reply rename = api.patch("/api/machines/" + machine, "{\"name\":\"" + renamed + "\"}");
        assertThat(rename.status()).isEqualTo(200);
        assertThat(rename.json().get("name").asString()).isEqualTo(renamed);
    }

    @Test
    void powerActionsFollowThePowerState() {
        UUID machine = createMachine();
        assertProblem(api.postEmpty("/api/machines/" + machine + "/stop"), 409, "machine-powered-off", machine.toString());
        assertProblem(api.postEmpty("/api/machines/" + machine + "/reset"), 409, "machine-powered-off", machine.toString());

        Reply started = api.postEmpty("/api/machines/" + machine + "/start");
        assertThat(started.status()).isEqualTo(200);
        assertThat(started.json().get("state").asString()).isEqualTo("running");
        assertProblem(api.postEmpty("/api/machines/" + machine + "/start"), 409, "machine-running", "already running");
        Reply cycled = api.postEmpty("/api/machines/" + machine + "/reset");
        assertThat(cycled.json().get("state").asString()).isEqualTo("running");

        Reply stopped = api.postEmpty("/api/machines/" + machine + "/stop");
        assertThat(stopped.json().get("state").asString()).isEqualTo("poweredOff");
    }

    @Test
    void aRunningMachineCannotBeDeleted() {
        UUID machine = createMachine();
        power(machine, "start");

        assertProblem(api.delete("/api/machines/" + machine), 409, "machine-running", "cannot delete", machine.toString());
        assertThat(api.get("/api/machines/" + machine).status()).isEqualTo(200);
        assertThat(runDirectory(machine)).isDirectory();
    }

    @Test
    void deletingAMachineRemovesTheRunDirectoryOfItsGuest() {
        UUID machine = createMachine();
        power(machine, "start");
        power(machine, "stop");
        assertThat(runDirectory(machine)).isDirectory();

        assertThat(api.delete("/api/machines/" + machine).status()).isEqualTo(204);

        assertThat(runDirectory(machine)).doesNotExist();
    }

    @Test
    void startupRemovesTheRunDirectoriesOfMachinesThatNoLongerExistOnly() throws Exception {
        UUID kept = createMachine();
        power(kept, "start");
        power(kept, "stop");
        UUID deleted = UUID.randomUUID();
        Files.createDirectories(runDirectory(deleted));
        Files.writeString(runDirectory(deleted).resolve("console.log"), "left by a service killed mid-delete\n");

        startup.adoptRunningGuests();

        assertThat(runDirectory(deleted)).doesNotExist();
        assertThat(runDirectory(kept)).isDirectory();
    }

    @Test
    void deletingAMachineDetachesEverythingAndDeletesOnlyItsOwnDisks() {
        UUID golden = createImage("immutable");
        UUID normal = createImage("normal");
        UUID machine = createMachine();
        UUID ownDisk = id(attached(machine, golden, 0), "mediumId");
        attached(machine, normal, 1);
        byte[] data = pattern(11, 5000);
        UUID normalAttachment = id(api.get("/api/machines/" + machine + "/attachments").json().get(1), "id");
        written(machine, normalAttachment, 12345, data);

        assertThat(api.delete("/api/machines/" + machine).status()).isEqualTo(204);

        assertProblem(api.get("/api/machines/" + machine), 404, "not-found", machine.toString());
        assertThat(api.get("/api/images/" + ownDisk).status()).isEqualTo(404);
        assertThat(imageFile(ownDisk)).doesNotExist();
        assertThat(api.get("/api/images/" + golden).json().get("attachments")).isEmpty();
        assertThat(api.get("/api/images/" + normal).json().get("attachments")).isEmpty();
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

        assertProblem(api.postEmpty("/api/machines/" + machine + "/start"), 409, "medium-inaccessible", machine.toString(),
                golden.toString(), "missing");
        assertThat(api.get("/api/machines/" + machine).json().get("state").asString()).isEqualTo("poweredOff");
    }

    @Test
    void aMachineGivenMoreMemoryThanTheHostHasIsRefusedBeforeItStarts() {
        long hostMb = HostMemory.totalBytes() / (1024 * 1024);
        String name = "huge-" + UUID.randomUUID();
        Reply created = api.post("/api/machines", "{\"name\":\"" + name + "\",\"memoryMb\":"
                + MachineLimits.MAX_MEMORY_MB + "}");
        assertThat(created.status()).as("a machine may be defined for a larger host").isEqualTo(201);
        UUID machine = UUID.fromString(created.json().get("id").asString());

        assertProblem(api.postEmpty("/api/machines/" + machine + "/start"), 409, "insufficient-host-memory", name,
                MachineLimits.MAX_MEMORY_MB + " MiB", "this host has " + hostMb + " MiB");
        assertThat(api.get("/api/machines/" + machine).json().get("state").asString()).isEqualTo("poweredOff");
    }

    @Test
    void withoutAClusterAStartOnANamedNodeIsAPlainStartOnThisNodeAndAnotherNameIsRefused() {
        UUID machine = createMachine();
        String here = api.get("/api/nodes").json().get(0).get("name").asString();
        assertProblem(api.postEmpty("/api/machines/" + machine + "/start?node=node-nowhere"), 404, "not-found",
                "node-nowhere");
        JsonNode started = api.postEmpty("/api/machines/" + machine + "/start?node=" + here).json();
        assertThat(started.get("state").asString()).isEqualTo("running");
        assertThat(started.get("node").asString()).isEqualTo(here);
        api.postEmpty("/api/machines/" + machine + "/stop?force=true");
    }

    @Test
    void anUnknownMachineIsA404Problem() {
        UUID missing = UUID.randomUUID();
        assertProblem(api.get("/api/machines/" + missing), 404, "not-found", missing.toString());
        assertProblem(api.postEmpty("/api/machines/" + missing + "/start"), 404, "not-found", missing.toString());
        assertProblem(api.delete("/api/machines/" + missing), 404, "not-found", missing.toString());
    }
}

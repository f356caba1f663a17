package dev.diskfleet.api.machine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FullStackTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A machine's network: forwards without a host port get one of the range, kept in the database and unique
 * across the service; a named port another machine has is 409; bad input is 400 and makes nothing.
 */
class MachineNetworkApiTest extends FullStackTest {

    @Test
    void forwardsWithoutAHostPortGetDistinctPortsOfTheRangeListenOnLoopbackAndKeepThem() {
        JsonNode first = create("{\"guestPort\":6379},{\"guestPort\":22}");
        JsonNode second = create("{\"guestPort\":6379}");

        List<Integer> ports = new ArrayList<>(hostPorts(first));
        ports.addAll(hostPorts(second));
        assertThat(ports).doesNotHaveDuplicates().allSatisfy(port -> assertThat(port).isBetween(40000, 44999));
        JsonNode forward = first.get("network").get("forwards").get(0);
        assertThat(forward.get("guestPort").asInt()).isEqualTo(6379);
        assertThat(forward.get("protocol").asString()).isEqualTo("tcp");
        assertThat(forward.get("hostAddress").asString()).isEqualTo("127.0.0.1");
        assertThat(first.get("network").get("mode").asString()).isEqualTo("user");
        assertThat(first.get("network").get("outbound").asBoolean()).isFalse();

        String id = first.get("id").asString();
        assertThat(hostPorts(api.get("/api/machines/" + id).expect(200).json())).isEqualTo(hostPorts(first));
        JsonNode patched = api.patch("/api/machines/" + id,
                "{\"network\":{\"mode\":\"user\",\"forwards\":[{\"guestPort\":6379}],\"outbound\":true}}").expect(200).json();
        assertThat(hostPorts(patched)).as("the port a guest port had is kept").containsExactly(hostPorts(first).get(0));
        assertThat(patched.get("network").get("outbound").asBoolean()).isTrue();
    }

    @Test
    void aNamedHostPortAnotherMachineHasIs409UntilThatMachineIsDeleted() {
        int port = 44990 - (int) (Math.random() * 500);
        JsonNode holder = create("{\"guestPort\":22,\"hostPort\":" + port + "}");
        assertThat(hostPorts(holder)).containsExactly(port);

        Reply taken = api.post("/api/machines", machine(unique("m"), "{\"guestPort\":22,\"hostPort\":" + port + "}"));
        assertThat(taken.expectProblem(409, "host-port-taken")).contains(Integer.toString(port));
        assertThat(api.post("/api/machines", machine(unique("m"), "{\"guestPort\":22,\"hostPort\":" + port
                + ",\"protocol\":\"udp\"}")).status()).as("the same number over UDP is another port").isEqualTo(201);

        api.delete("/api/machines/" + holder.get("id").asString()).expect(204);
        assertThat(hostPorts(create("{\"guestPort\":22,\"hostPort\":" + port + "}"))).containsExactly(port);
    }

    @Test
    void badNetworksAre400NamingTheFieldAndMakeNothing() {
        String name = unique("bad");
        assertInvalid(name, "{\"mode\":\"none\",\"forwards\":[{\"guestPort\":22}]}", "network.forwards");
        assertInvalid(name, "{\"forwards\":[{\"guestPort\":70000}]}", "guestPort");
        assertInvalid(name, "{\"forwards\":[{\"guestPort\":22,\"hostPort\":0}]}", "hostPort");
        assertInvalid(name, "{\"forwards\":[{\"guestPort\":22,\"protocol\":\"sctp\"}]}", "protocol");
        assertInvalid(name, "{\"forwards\":[{\"guestPort\":22},{\"guestPort\":22}]}", "a second time");
        assertInvalid(name, "{\"mode\":\"bridge\"}", "network.mode");
        assertThat(api.get("/api/machines?name=" + name).expect(200).json().get("items")).isEmpty();
    }

    private void assertInvalid(String name, String network, String named) {
        Reply refused = api.post("/api/machines", "{\"name\":\"" + name + "\",\"network\":" + network + "}");
        assertThat(refused.expectProblem(400, "invalid-network")).as(network).contains(named);
    }

    private JsonNode create(String forwards) {
        return api.post("/api/machines", machine(unique("net"), forwards)).expect(201).json();
    }

    private static String machine(String name, String forwards) {
        return "{\"name\":\"" + name + "\",\"network\":{\"mode\":\"user\",\"forwards\":[" + forwards + "]}}";
    }

    private static List<Integer> hostPorts(JsonNode machine) {
        List<Integer> ports = new ArrayList<>();
        machine.get("network").get("forwards").forEach(f -> ports.add(f.get("hostPort").asInt()));
        return ports;
    }
}

package dev.diskfleet.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.diskfleet.support.DiskfleetClient.Reply;
import dev.diskfleet.support.FullStackFleetTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Request bodies are read strictly: a field the request does not take, a value of the wrong type and a null
 * where a value is needed are 400 problems that name the field, and nothing is made.
 */
class StrictRequestBodiesTest extends FullStackFleetTest {

    @Test
    void aFleetWithAMisspeltAutoResetIsRefusedNamingTheFieldAndNothingIsDeployed() {
        UUID golden = goldenImage();
        String name = unique("fleet");

        Reply refused = api.post("/api/fleets", "{\"name\":\"" + name + "\",\"goldenImageId\":\"" + golden
                + "\",\"size\":2,\"machineNamePrefix\":\"" + unique("db") + "\",\"autoreset\":false}");

        String detail = refused.expectProblem(400, "unknown-field");
        assertThat(detail).contains("'autoreset'").contains("autoReset");
        assertThat(refused.json().get("errors").has("autoreset")).isTrue();
        assertThat(api.get("/api/fleets?size=500").expect(200).json().get("items").findValuesAsString("name"))
                .as("fleets after the refused request").doesNotContain(name);
    }

    @Test
    void everyRequestBodyRefusesAnUnknownFieldNamingIt() {
        UUID image = createImage("normal");
        UUID machine = id(api.post("/api/machines", "{\"name\":\"" + unique("m") + "\"}").expect(201).json(), "id");

        assertUnknown(api.post("/api/machines", "{\"name\":\"" + unique("m") + "\",\"cpu\":2}"), "cpu");
        assertUnknown(api.post("/api/images", "{\"name\":\"" + unique("i") + "\",\"sizeBytes\":1048576,\"fromat\":\"vdi\"}"),
                "fromat");
        assertUnknown(api.post("/api/images/" + image + "/clone", "{\"name\":\"" + unique("c") + "\",\"typ\":\"immutable\"}"),
                "typ");
        assertUnknown(api.patch("/api/machines/" + machine, "{\"memory\":512}"), "memory");
        assertUnknown(api.patch("/api/images/" + image, "{\"description\":\"x\",\"kind\":\"normal\"}"), "kind");
        assertUnknown(api.post("/api/tokens", "{\"name\":\"" + unique("t") + "\",\"role\":\"viewer\",\"expires\":\"x\"}"),
                "expires");
        assertUnknown(api.post("/api/machines/" + machine + "/attachments",
                "{\"imageId\":\"" + image + "\",\"port\":0,\"device\":0,\"autoreset\":false}"), "autoreset");
        assertThat(api.get("/api/machines/" + machine + "/attachments").expect(200).json().toString())
                .doesNotContain(image.toString());
    }

    @Test
    void aValueOfTheWrongTypeOrANullWhereOneIsNeededNamesTheField() {
        Reply wrongType = api.post("/api/machines", "{\"name\":\"" + unique("m") + "\",\"cpus\":\"two\"}");
        assertThat(wrongType.expectProblem(400, "unreadable-body")).contains("'cpus'");

        Reply nullName = api.post("/api/machines", "{\"name\":null}");
        assertThat(nullName.status()).isEqualTo(400);
        assertThat(nullName.text()).contains("name");
        assertThat(nullName.header("Content-Type").orElse("")).startsWith("application/problem+json");
    }

    private static void assertUnknown(Reply reply, String field) {
        assertThat(reply.expectProblem(400, "unknown-field")).as(reply.request()).contains("'" + field + "'");
    }
}

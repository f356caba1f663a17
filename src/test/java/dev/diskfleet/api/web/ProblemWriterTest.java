package dev.diskfleet.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ProblemWriterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void quotesBackslashesAndControlCharactersInADetailStayJson() {
        String detail = "name \"a\\b\" has a newline\nand a tab\t and </script>";
        ProblemDetail problem = Problems.of(HttpStatus.BAD_REQUEST, "invalid-name", "Invalid name", detail);
        problem.setInstance(URI.create("/api/machines"));

        JsonNode written = JSON.readTree(ProblemWriter.json(problem));

        assertThat(written.get("detail").asString()).isEqualTo(detail);
        assertThat(written.get("type").asString()).isEqualTo("https://diskfleet.dev/problems/invalid-name");
        assertThat(written.get("status").asInt()).isEqualTo(400);
    }

    @Test
    void standardMembersComeFirstAndExtensionMembersSitAtTheTopLevel() {
        ProblemDetail problem = Problems.of(HttpStatus.CONFLICT, "host-port-taken", "Host port taken", "port 40001");
        problem.setInstance(URI.create("/api/machines/x"));
        problem.setProperty("hostPort", 40001);

        JsonNode written = JSON.readTree(ProblemWriter.json(problem));

        assertThat(List.copyOf(written.propertyNames()))
                .containsExactly("type", "title", "status", "detail", "instance", "hostPort");
        assertThat(written.get("hostPort").asInt()).isEqualTo(40001);
    }
}

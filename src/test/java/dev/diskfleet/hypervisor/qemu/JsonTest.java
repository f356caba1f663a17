package dev.diskfleet.hypervisor.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The QMP messages of qemu-spec.rst, as QEMU 7.2 sends them, read and written back. */
class JsonTest {

    @Test
    void readsTheGreeting() {
        Map<String, Object> greeting = Json.parseObject("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, "
                + "\"minor\": 2, \"major\": 7}, \"package\": \"Debian 1:7.2+dfsg-7\"}, \"capabilities\": [\"oob\"]}}");

        assertThat(greeting).containsKey("QMP");
        @SuppressWarnings("unchecked")
        Map<String, Object> qmp = (Map<String, Object>) greeting.get("QMP");
        assertThat(qmp.get("capabilities")).isEqualTo(List.of("oob"));
    }

    @Test
    void readsAShutdownEventWithItsTimestamp() {
        Map<String, Object> event = Json.parseObject("{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": "
                + "12}, \"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, \"reason\": \"guest-shutdown\"}}");

        assertThat(event.get("event")).isEqualTo("SHUTDOWN");
        assertThat(event.get("data")).isEqualTo(Map.of("guest", true, "reason", "guest-shutdown"));
    }

    @Test
    void readsEscapesNumbersAndNull() {
        assertThat(Json.parse("[\"a\\\"b\\\\c\\u0041\\n\", -12, 1.5e3, null, false]"))
                .isEqualTo(java.util.Arrays.asList("a\"b\\cA\n", -12L, 1500.0, null, false));
    }

    @Test
    void writesACommandThatQemuReadsBack() {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("execute", "blockdev-add");
        command.put("arguments", Map.of("path", "/data/run/a \"b\"\\c"));
        command.put("id", 7L);

        String text = Json.write(command);

        assertThat(text).startsWith("{\"execute\":\"blockdev-add\",");
        assertThat(Json.parse(text)).isEqualTo(command);
    }

    @Test
    void refusesMalformedText() {
        assertThatThrownBy(() -> Json.parse("{\"a\": }")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("{\"a\": 1} x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parse("\"open")).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.diskfleet.hypervisor.qemu;

import java.util.Map;

/**
 * An asynchronous QMP event, e.g. {@code SHUTDOWN} with {@code {"guest": true, "reason": "guest-shutdown"}}.
 */
record QmpEvent(String name, Map<String, Object> data) {

    QmpEvent {
        data = data == null ? Map.of() : data;
    }

    String text(String key) {
        Object value = data.get(key);
        return value == null ? "" : value.toString();
    }
}

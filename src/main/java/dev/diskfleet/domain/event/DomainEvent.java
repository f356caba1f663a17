package dev.diskfleet.domain.event;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One thing that happened to one resource: its {@code type} (such as {@code machine.state}), the id of the
 * resource it names, and a small JSON-able body. Published inside a transaction, it is stored and sent only
 * after that transaction commits, so no client ever hears of a change that was rolled back.
 */
public record DomainEvent(String type, UUID resourceId, Map<String, Object> data) {

    public DomainEvent {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", resourceId);
        if (data != null) {
            data.forEach((key, value) -> {
                if (value != null) {
                    body.put(key, value);
                }
            });
        }
        data = Map.copyOf(body);
    }

    /** A machine's power state changed, with why (a user's request, the guest halting, a failed boot …). */
    public static DomainEvent machineState(UUID machineId, String state, String reason) {
        return new DomainEvent(EventTypes.MACHINE_STATE, machineId, Map.of("state", state, "reason", reason));
    }
}

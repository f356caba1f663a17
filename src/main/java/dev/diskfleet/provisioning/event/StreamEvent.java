package dev.diskfleet.provisioning.event;

import dev.diskfleet.domain.event.StoredEvent;
import java.util.UUID;

/**
 * An event as a subscriber receives it; {@code id} is null for console lines, which are never stored (so a
 * client's Last-Event-ID stays on the last stored event it saw).
 */
public record StreamEvent(Long id, String type, UUID resourceId, String dataJson) {

    static StreamEvent of(StoredEvent stored) {
        return new StreamEvent(stored.getId(), stored.getType(), stored.getResourceId(), stored.getDataJson());
    }
}

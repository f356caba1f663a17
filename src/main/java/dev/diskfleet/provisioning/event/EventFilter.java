package dev.diskfleet.provisioning.event;

import java.util.Set;
import java.util.UUID;

/**
 * What a client asked to see: event types (a type {@code machine} matches {@code machine.state},
 * {@code machine.created} …; empty means all) and one resource id (null means all).
 */
public record EventFilter(Set<String> types, UUID resource) {

    public EventFilter {
        types = types == null ? Set.of() : Set.copyOf(types);
    }

    public boolean accepts(StreamEvent event) {
        if (resource != null && !resource.equals(event.resourceId()) && !event.dataJson().contains(resource.toString())) {
            return false;
        }
        if (types.isEmpty()) {
            return true;
        }
        String type = event.type();
        int dot = type.indexOf('.');
        return types.contains(type) || dot > 0 && types.contains(type.substring(0, dot));
    }
}

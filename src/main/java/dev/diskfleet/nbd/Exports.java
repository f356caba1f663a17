package dev.diskfleet.nbd;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The exports a server offers, by name; added and removed while clients are connected. */
public final class Exports {

    private final Map<String, Export> byName = new ConcurrentHashMap<>();

    /** @throws IllegalArgumentException when the name is taken */
    public Export add(Export export) {
        if (byName.putIfAbsent(export.name(), export) != null) {
            throw new IllegalArgumentException("an export named '" + export.name() + "' exists already");
        }
        return export;
    }

    public Optional<Export> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Removes the export and drops its clients; false when there was none of that name. */
    public boolean remove(String name) {
        Export export = byName.remove(name);
        if (export == null) {
            return false;
        }
        export.close();
        return true;
    }

    public List<Export> list() {
        return byName.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    void removeAll() {
        for (String name : List.copyOf(byName.keySet())) {
            remove(name);
        }
    }
}

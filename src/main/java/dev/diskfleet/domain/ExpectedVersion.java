package dev.diskfleet.domain;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The versions a client expects a row to be at before it changes it. A row's {@code @Version} changes with
 * every update, so a change based on an older read is refused instead of losing someone else's change.
 * {@link #ANY} expects nothing; an expectation of no version at all (the client named none that can match)
 * refuses every change.
 */
public record ExpectedVersion(boolean any, Set<Long> versions) {

    public static final ExpectedVersion ANY = new ExpectedVersion(true, Set.of());

    public ExpectedVersion {
        versions = Set.copyOf(versions);
    }

    /** The row must be at one of {@code versions}. */
    public static ExpectedVersion oneOf(Set<Long> versions) {
        return new ExpectedVersion(false, versions);
    }

    /** Refuses the change when the current version is not one the client expects. */
    public void check(long currentVersion) {
        if (any || versions.contains(currentVersion)) {
            return;
        }
        throw new PreconditionFailedException("the resource changed since you read it: its ETag is now \""
                + currentVersion + "\", not " + expected() + "; read it again and retry");
    }

    private String expected() {
        if (versions.isEmpty()) {
            return "a version you named (a weak or malformed tag names none)";
        }
        // A version is shown as the strong ETag the client sent for it.
        String listed = new TreeSet<>(versions).stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", "));
        return versions.size() == 1 ? listed : "any of " + listed;
    }
}

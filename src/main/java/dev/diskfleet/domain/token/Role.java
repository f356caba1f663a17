package dev.diskfleet.domain.token;

import java.util.Locale;
import java.util.Optional;

/** What a caller may do; each role includes the ones before it (viewer &lt; operator &lt; admin). */
public enum Role {
    /** Reads metadata; never disk bytes. */
    VIEWER,
    /** Adds power actions, snapshots, guest disk I/O and image content. */
    OPERATOR,
    /** Adds everything else: images, machines, fleets, attachments, tokens, storage, audit. */
    ADMIN;

    /** The name clients send and see: {@code viewer}, {@code operator}, {@code admin}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code text} (any case), or empty for anything else. */
    public static Optional<Role> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (Role role : values()) {
            if (role.name().equalsIgnoreCase(text.trim())) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}

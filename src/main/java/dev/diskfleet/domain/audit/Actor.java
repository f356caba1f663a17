package dev.diskfleet.domain.audit;

import java.util.Locale;
import java.util.UUID;

/**
 * Who sent a request, as the audit log names them: an API token (its name and id), the bootstrap admin,
 * a JWT's subject, or nobody.
 */
public record Actor(Kind kind, String name, UUID tokenId) {

    public enum Kind {
        TOKEN, BOOTSTRAP, JWT, ANONYMOUS;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final Actor ANONYMOUS = new Actor(Kind.ANONYMOUS, "anonymous", null);
}

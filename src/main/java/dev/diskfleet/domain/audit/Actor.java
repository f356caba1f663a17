package dev.diskfleet.domain.audit;

import java.util.Locale;
import java.util.UUID;

/**
 * Who sent a request, as the audit log names them: an API token (its name and id), the bootstrap admin,
 * a JWT's subject, or nobody; or the service's own startup warm-up, which the audit log never records.
 */
public record Actor(Kind kind, String name, UUID tokenId) {

    public enum Kind {
        TOKEN, BOOTSTRAP, JWT, ANONYMOUS, WARM_UP;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final Actor ANONYMOUS = new Actor(Kind.ANONYMOUS, "anonymous", null);
    public static final Actor WARM_UP = new Actor(Kind.WARM_UP, "startup-warm-up", null);
}

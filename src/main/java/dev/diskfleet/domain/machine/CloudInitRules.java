package dev.diskfleet.domain.machine;

import dev.diskfleet.domain.InvalidRequestException;
import dev.diskfleet.domain.TooLargeException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * What a cloud-init setting may hold. The seed names the guest itself, so meta-data cannot set its
 * instance-id or local-hostname; user-data and network-config are kept and written at every start, so
 * their size is bounded ({@code diskfleet.limits.max-user-data}).
 */
public final class CloudInitRules {

    private static final Set<String> RESERVED = Set.of("instance-id", "local-hostname");

    private CloudInitRules() {
    }

    public static void check(CloudInit cloudInit, long maxBytes) {
        for (String key : cloudInit.metaData().keySet()) {
            if (RESERVED.contains(key)) {
                throw new InvalidRequestException("reserved-meta-data-key", "meta-data cannot set '" + key
                        + "': the seed's instance-id is the machine's id and its local-hostname the machine's"
                        + " name; rename the machine to change its hostname");
            }
        }
        requireAtMost("user-data", "user-data-too-large", cloudInit.userData(), maxBytes);
        requireAtMost("network-config", "network-config-too-large", cloudInit.networkConfig(), maxBytes);
    }

    private static void requireAtMost(String file, String slug, String text, long maxBytes) {
        if (text == null) {
            return;
        }
        // the text itself never goes into the message: user-data may hold secrets
        long bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            throw new TooLargeException(slug, "the " + file + " is " + bytes + " bytes; at most "
                    + maxBytes + " are allowed (diskfleet.limits.max-user-data)");
        }
    }
}

package dev.diskfleet.domain.machine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a machine's cloud-init seed carries besides its id and name, which the seed always takes from the
 * machine itself.
 *
 * @param enabled whether the guest gets a seed at all
 * @param metaData extra {@code meta-data} entries
 * @param userData the {@code user-data} file as given, or {@code null} for a minimal {@code #cloud-config};
 *     it may hold secrets, so nothing reads it back but the seed: clients see {@link #userDataSha256}
 * @param networkConfig the {@code network-config} file, or {@code null} for none
 */
public record CloudInit(boolean enabled, Map<String, String> metaData, String userData, String networkConfig) {

    public static final CloudInit DEFAULT = new CloudInit(true, Map.of(), null, null);

    public CloudInit {
        metaData = Collections.unmodifiableMap(new TreeMap<>(metaData == null ? Map.of() : metaData));
    }

    /**
     * This with the given fields changed: {@code null} keeps a field; an empty user-data or network-config
     * removes it; a meta-data map replaces the whole map.
     */
    public CloudInit with(Boolean enabled, Map<String, String> metaData, String userData, String networkConfig) {
        return new CloudInit(enabled == null ? this.enabled : enabled,
                metaData == null ? this.metaData : metaData,
                userData == null ? this.userData : emptyToNull(userData),
                networkConfig == null ? this.networkConfig : emptyToNull(networkConfig));
    }

    /** The hex SHA-256 of the user-data's UTF-8 bytes: enough to tell which user-data a machine has. */
    public Optional<String> userDataSha256() {
        if (userData == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(userData.getBytes(StandardCharsets.UTF_8))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String emptyToNull(String text) {
        return text.isEmpty() ? null : text;
    }
}

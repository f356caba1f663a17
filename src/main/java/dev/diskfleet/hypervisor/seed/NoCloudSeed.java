package dev.diskfleet.hypervisor.seed;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a guest's seed says.
 *
 * @param instanceId cloud-init runs its once-per-instance modules again when this changes: the machine id
 * @param hostname the guest's {@code local-hostname}: the machine's name
 * @param metaData further {@code meta-data} entries, which cloud-init's jinja templates read as
 *     {@code v1} / {@code ds.meta_data} values; instance-id and local-hostname are not among them
 * @param userData the {@code user-data} file as given; {@code null} gives a {@link #MINIMAL_USER_DATA}
 * @param networkConfig the {@code network-config} file, or {@code null} for none (cloud-init then uses DHCP
 *     on the first NIC)
 */
public record NoCloudSeed(String instanceId, String hostname, Map<String, String> metaData, String userData,
        String networkConfig) {

    public static final String VOLUME_LABEL = "cidata";
    public static final String MINIMAL_USER_DATA = "#cloud-config\n{}\n";
    public static final String INSTANCE_ID = "instance-id";
    public static final String LOCAL_HOSTNAME = "local-hostname";

    public NoCloudSeed {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(hostname, "hostname");
        metaData = Collections.unmodifiableMap(new TreeMap<>(metaData == null ? Map.of() : metaData));
        if (metaData.containsKey(INSTANCE_ID) || metaData.containsKey(LOCAL_HOSTNAME)) {
            throw new IllegalArgumentException("the seed sets " + INSTANCE_ID + " and " + LOCAL_HOSTNAME
                    + " itself");
        }
    }

    /** The seed's files by name, in the order they are packed. */
    public Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("meta-data", metaDataFile());
        files.put("user-data", userData == null ? MINIMAL_USER_DATA : userData);
        if (networkConfig != null) {
            files.put("network-config", networkConfig);
        }
        return files;
    }

    /**
     * One {@code key: "value"} line per entry, values and the user's keys YAML double-quoted: whatever they
     * hold (a colon, a newline, a {@code #}, {@code !!python/object}) stays a plain string.
     */
    String metaDataFile() {
        StringBuilder yaml = new StringBuilder();
        yaml.append(INSTANCE_ID).append(": ").append(quoted(instanceId)).append('\n');
        yaml.append(LOCAL_HOSTNAME).append(": ").append(quoted(hostname)).append('\n');
        metaData.forEach((key, value) -> yaml.append(quoted(key)).append(": ").append(quoted(value)).append('\n'));
        return yaml.toString();
    }

    /** A YAML double-quoted scalar: backslash escapes for the quote, the backslash and every control character. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        text.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029
                            || c == 0xfeff) {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.append('"').toString();
    }
}

package dev.diskfleet.domain.machine;

import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embeddable;
import jakarta.persistence.FetchType;
import jakarta.persistence.MapKeyColumn;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link CloudInit} as a row keeps it: a machine's own, and a fleet's for the members it makes. The
 * meta-data entries are rows of a table of the owner's, which the owner names with an
 * {@code @AssociationOverride} on its embedded field; they are read with the row, as every start and every
 * answer needs them.
 */
@Embeddable
public class CloudInitColumns {

    @Column(name = "cloud_init_enabled", nullable = false)
    private boolean enabled = true;

    @ElementCollection(fetch = FetchType.EAGER)
    @MapKeyColumn(name = "meta_key")
    @Column(name = "meta_value", nullable = false)
    private Map<String, String> metaData = new HashMap<>();

    @Column(name = "cloud_init_user_data")
    private String userData;

    @Column(name = "cloud_init_network_config")
    private String networkConfig;

    public CloudInit value() {
        return new CloudInit(enabled, metaData, userData, networkConfig);
    }

    public void set(CloudInit cloudInit) {
        enabled = cloudInit.enabled();
        metaData.clear();
        metaData.putAll(cloudInit.metaData());
        userData = cloudInit.userData();
        networkConfig = cloudInit.networkConfig();
    }
}

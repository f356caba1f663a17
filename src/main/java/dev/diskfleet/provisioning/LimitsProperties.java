package dev.diskfleet.provisioning;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code diskfleet.limits.*}: how much one request may make the service store, and how much of the storage
 * root's volume must always stay free (it holds the H2 database too, and running guests write into it).
 *
 * @param maxUploadSize the most bytes one upload body may have; the default fits a fully allocated qcow2
 *     of the largest virtual size with its tables (under 2 GiB of L2 and refcount blocks at 8 TiB)
 * @param maxVirtualSize the largest disk a create, an upload or a clone may yield
 * @param minFreeSpace what every request that allocates space must leave free on the storage volume
 * @param maxUserData the largest cloud-init user-data (and network-config) a machine or fleet may carry: it
 *     is kept in the database and written into the guest's seed at every start
 */
@ConfigurationProperties("diskfleet.limits")
public record LimitsProperties(
        @DefaultValue("8194GB") DataSize maxUploadSize,
        @DefaultValue("8TB") DataSize maxVirtualSize,
        @DefaultValue("1GB") DataSize minFreeSpace,
        @DefaultValue("64KB") DataSize maxUserData) {
}

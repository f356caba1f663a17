/**
 * The {@code diskfleet_*} metrics (Micrometer; Prometheus scrapes them at /actuator/prometheus): {@link
 * dev.diskfleet.provisioning.metrics.DiskfleetMeters} holds the counters and timers services bump as things
 * happen (boots, guest and NBD I/O bytes, operation durations), {@link
 * dev.diskfleet.provisioning.metrics.Census} the gauges counted from rows and files at scrape time.
 */
package dev.diskfleet.provisioning.metrics;

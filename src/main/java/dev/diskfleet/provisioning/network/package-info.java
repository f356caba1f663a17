/**
 * Machines' networks: writing a machine's network and forwards ({@link
 * dev.diskfleet.provisioning.network.HostPorts} picks host ports from {@code diskfleet.network.host-ports}
 * and keeps them in rows), and reading them back, for the API and for the guest the hypervisor runs.
 */
package dev.diskfleet.provisioning.network;

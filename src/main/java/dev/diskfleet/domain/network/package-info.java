/**
 * Guest networks: the network a machine asks for ({@link dev.diskfleet.domain.network.NetworkPlan}) and the
 * rules it must keep, its port forwards as rows ({@link dev.diskfleet.domain.network.PortForward}: a host
 * port is one machine's alone, by a unique constraint) and the range the service picks host ports from.
 */
package dev.diskfleet.domain.network;

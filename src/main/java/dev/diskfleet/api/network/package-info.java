/**
 * The network of a machine or of a fleet's members as requests carry it and responses show it: mode,
 * outbound access and port forwards. Shared by the machine and fleet controllers; uses the network domain.
 */
package dev.diskfleet.api.network;

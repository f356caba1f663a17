package dev.diskfleet.api.network;

/** {@link HostPortRaceContract} on the embedded H2 database. */
class HostPortRaceH2Test extends HostPortRaceContract {
}

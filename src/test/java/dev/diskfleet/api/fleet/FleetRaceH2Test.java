package dev.diskfleet.api.fleet;

/** {@link FleetRaceContract} on the embedded H2 database. */
class FleetRaceH2Test extends FleetRaceContract {
}

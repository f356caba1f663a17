package dev.diskfleet.domain.node;

/** A node that may take guests, and the guest memory it has left, in MiB. */
public record NodeRoom(String node, long freeMb) {
}

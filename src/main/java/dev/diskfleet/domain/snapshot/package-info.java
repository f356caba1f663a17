/**
 * Snapshots of a machine's normal disks in VirtualBox's model (described on {@link
 * dev.diskfleet.domain.snapshot.Snapshot}): entity, repository, and the rules that plan a deletion.
 */
package dev.diskfleet.domain.snapshot;

/**
 * Snapshots of a machine's normal disks in VirtualBox's model (described on
 * {@link dev.diskfleet.domain.snapshot.Snapshot}): entity, repository, and the rules that plan a deletion.
 * Uses the attachment, image and machine domains, the kernel and storage.
 */
package dev.diskfleet.domain.snapshot;

/**
 * Images across the nodes of a cluster: {@link dev.diskfleet.provisioning.replication.ImageFileSource} serves
 * an immutable image's file as stored, with its SHA-256, to the other nodes;
 * {@link dev.diskfleet.provisioning.replication.ImageReplicator} copies one here from a node that holds it
 * (through the storage engine's import, checked against that digest before it is published) and records the
 * location; {@link dev.diskfleet.provisioning.replication.ReplicaSweep} removes the copies whose image was
 * deleted elsewhere; {@link dev.diskfleet.provisioning.replication.Owners} says which other node holds an
 * image's file or a machine's guest, for the requests sent on to it. Nodes prove themselves to each other with
 * {@link dev.diskfleet.provisioning.replication.ClusterSecret}.
 */
package dev.diskfleet.provisioning.replication;

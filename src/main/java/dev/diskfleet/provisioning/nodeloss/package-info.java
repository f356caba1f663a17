/**
 * A node lost, and what the others do about it: {@link dev.diskfleet.provisioning.nodeloss.LostNodes} (a job one
 * node runs for all) makes the running machines of a node that went offline {@code unknown}, and with
 * {@code diskfleet.cluster.restart-lost-guests} starts those whose disks are disposable elsewhere;
 * {@link dev.diskfleet.provisioning.nodeloss.MachineMove} starts such a machine on this node, on fresh
 * differencing disks over its bases' copies here; {@link dev.diskfleet.provisioning.nodeloss.StaleFiles} is the
 * returning node's startup step that removes the old disks it still holds. Uses the machine, node, guest and
 * replication services; nothing below calls it.
 */
package dev.diskfleet.provisioning.nodeloss;

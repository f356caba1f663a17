package dev.diskfleet.provisioning.node;

import dev.diskfleet.domain.node.Node;

/** This process may not start on its database: a live process holds its place there. */
public class NodeConflictException extends IllegalStateException {

    private NodeConflictException(String message) {
        super(message);
    }

    static NodeConflictException databaseInUse(Node other) {
        return new NodeConflictException("the database is in use by another Diskfleet process: node " + other.getName()
                + " (" + other.getInstance() + ", " + other.getUrl() + "), last heartbeat " + other.getLastHeartbeat()
                + ". Two processes on one database would each take the other's image files for missing: stop it,"
                + " give this process its own database, or set diskfleet.cluster.enabled=true on every node to"
                + " run them as a cluster");
    }

    static NodeConflictException nameInUse(Node holder) {
        return new NodeConflictException("node name " + holder.getName() + " is held by a live process ("
                + holder.getInstance() + ", last heartbeat " + holder.getLastHeartbeat() + "): give this process"
                + " another diskfleet.node.name, or stop that one");
    }
}

package dev.diskfleet.provisioning.network;

import dev.diskfleet.domain.ConflictException;
import dev.diskfleet.domain.network.ForwardProtocol;
import dev.diskfleet.domain.network.HostPortRange;
import dev.diskfleet.domain.network.NetworkPlan;
import dev.diskfleet.domain.network.PortForward;
import dev.diskfleet.domain.network.PortForwardRepository;
import dev.diskfleet.provisioning.CrashPoints;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Gives machines their forwards' host ports. A forward keeps its row, and so its port, until it is removed
 * or its machine is deleted; a port the client does not name is the lowest free one of the range.
 *
 * <p>Rows are written in the caller's transaction, the one that writes the machine, so a kill at any point
 * leaves either the machine with its ports or neither. The unique constraint on (protocol, host port) is
 * what makes a port one machine's alone; before it, ports picked by transactions not yet committed are held
 * here, so that concurrent creates pick different ports instead of failing on the constraint. They are let
 * go when their transaction ends, committed (the row holds the port now) or not (it is free again).
 */
@Component
public class HostPorts {

    private final PortForwardRepository forwards;
    private final NetworkSettings settings;
    /** {@code 40001/tcp}: picked by a transaction that has not ended yet. */
    private final Set<String> uncommitted = ConcurrentHashMap.newKeySet();

    public HostPorts(PortForwardRepository forwards, NetworkSettings settings) {
        this.forwards = forwards;
        this.settings = settings;
    }

    /**
     * Gives the machine the forwards of {@code plan}, inside the caller's transaction: a forward it has
     * already (same guest port and protocol) keeps its host port unless the plan names another, forwards
     * the plan leaves out are removed, new ones get the named port or a picked one.
     *
     * @throws ConflictException {@code host-port-taken} when a named port is another machine's,
     *     {@code host-ports-exhausted} when the range has no free port left
     */
    public void assign(UUID machineId, NetworkPlan plan) {
        Map<String, PortForward> existing = new HashMap<>();
        forwards.findByMachineIdOrderByProtocolAscGuestPortAsc(machineId).forEach(f -> existing.put(f.key(), f));
        List<PortForward> kept = new ArrayList<>();
        List<NetworkPlan.Forward> added = new ArrayList<>();
        for (NetworkPlan.Forward wanted : plan.forwards()) {
            PortForward have = existing.get(wanted.key());
            if (have != null && (wanted.hostPort() == null || wanted.hostPort() == have.getHostPort())) {
                kept.add(have);
            } else {
                added.add(wanted);
            }
        }
        List<PortForward> removed = existing.values().stream().filter(f -> !kept.contains(f)).toList();
        forwards.deleteAll(removed);
        forwards.flush();
        for (NetworkPlan.Forward forward : added) {
            if (forward.hostPort() != null) {
                requireFree(machineId, forward.protocol(), forward.hostPort());
            }
        }
        for (NetworkPlan.Forward forward : added) {
            int hostPort = forward.hostPort() != null ? forward.hostPort() : pick(forward.protocol());
            CrashPoints.reach("host-ports.picked");
            save(new PortForward(machineId, forward.protocol(), forward.guestPort(), hostPort));
        }
        CrashPoints.reach("host-ports.forwards-written");
    }

    /**
     * {@link #assign} for machines just inserted in the caller's transaction, all with one plan: nothing to
     * read or write when the plan forwards nothing (a fleet's usual members).
     */
    public void assignToNew(List<UUID> machineIds, NetworkPlan plan) {
        if (!plan.forwards().isEmpty()) {
            machineIds.forEach(id -> assign(id, plan));
        }
    }

    /** The machine's network with the host address and port of every forward. */
    public MachineNetwork networkOf(UUID machineId, dev.diskfleet.domain.network.NetworkMode mode, boolean outbound) {
        return new MachineNetwork(mode, outbound, forwards.findByMachineIdOrderByProtocolAscGuestPortAsc(machineId)
                .stream().map(this::details).toList());
    }

    /** The forwards of many machines at once, by machine. */
    public Map<UUID, List<MachineNetwork.Forward>> forwardsOf(List<UUID> machineIds) {
        Map<UUID, List<MachineNetwork.Forward>> byMachine = new HashMap<>();
        forwards.findByMachineIdIn(machineIds).stream()
                .sorted(java.util.Comparator.comparing(PortForward::getProtocol).thenComparing(PortForward::getGuestPort))
                .forEach(f -> byMachine.computeIfAbsent(f.getMachineId(), id -> new ArrayList<>()).add(details(f)));
        return byMachine;
    }

    /**
     * 409 {@code host-ports-exhausted} unless the range has {@code perMember} free ports of each protocol
     * for each of {@code members} new machines: a fleet deploy or scale then makes nothing at all.
     */
    public void requireCapacity(int members, NetworkPlan perMember, String action) {
        Map<ForwardProtocol, Long> needed = new HashMap<>();
        perMember.forwards().forEach(f -> needed.merge(f.protocol(), (long) members, Long::sum));
        HostPortRange range = settings.hostPorts();
        for (Map.Entry<ForwardProtocol, Long> need : needed.entrySet()) {
            long free = range.size() - forwards.hostPortsIn(need.getKey().apiName(), range.first(), range.last()).size();
            if (free < need.getValue()) {
                throw exhausted(action + " needs " + need.getValue() + " " + need.getKey().apiName()
                        + " host ports but only " + free + " of diskfleet.network.host-ports " + range + " are free");
            }
        }
    }

    public NetworkSettings settings() {
        return settings;
    }

    /** How many host ports are given out, named or picked, in the range or not. */
    public long allocated() {
        return forwards.count();
    }

    private void requireFree(UUID machineId, ForwardProtocol protocol, int hostPort) {
        Optional<PortForward> holder = forwards.findByProtocolAndHostPort(protocol.apiName(), hostPort);
        if (holder.isPresent() && !holder.get().getMachineId().equals(machineId)
                || uncommitted.contains(hostPort + "/" + protocol.apiName())) {
            throw taken(protocol, hostPort);
        }
    }

    private int pick(ForwardProtocol protocol) {
        HostPortRange range = settings.hostPorts();
        List<Integer> used = forwards.hostPortsIn(protocol.apiName(), range.first(), range.last());
        Set<Integer> usedSet = Set.copyOf(used);
        for (int port = range.first(); port <= range.last(); port++) {
            // Looked up again once held: a transaction of this process that held the port lets go only after
            // its commit, which this lookup then sees (the list above may have been read before that commit).
            if (!usedSet.contains(port) && holdUntilTransactionEnds(port + "/" + protocol.apiName())
                    && forwards.findByProtocolAndHostPort(protocol.apiName(), port).isEmpty()) {
                return port;
            }
        }
        throw exhausted("no " + protocol.apiName() + " host port of diskfleet.network.host-ports " + range
                + " is free (" + used.size() + " given out); delete machines or widen the range");
    }

    private boolean holdUntilTransactionEnds(String key) {
        if (!uncommitted.add(key)) {
            return false;
        }
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    uncommitted.remove(key);
                }
            });
        } else {
            uncommitted.remove(key);
        }
        return true;
    }

    private void save(PortForward forward) {
        try {
            forwards.saveAndFlush(forward);
        } catch (DataIntegrityViolationException e) {
            // Another transaction committed the port first (a named port racing, or a second service on
            // the same database): the constraint decided.
            throw taken(forward.getProtocol(), forward.getHostPort());
        }
    }

    private MachineNetwork.Forward details(PortForward forward) {
        return new MachineNetwork.Forward(forward.getGuestPort(), forward.getProtocol().apiName(),
                settings.forwardAddress(), forward.getHostPort());
    }

    private static ConflictException taken(ForwardProtocol protocol, int hostPort) {
        return new ConflictException("host-port-taken", "host port " + hostPort + "/" + protocol.apiName()
                + " is forwarded to another machine already; name another hostPort or leave it out to get a free one");
    }

    private static ConflictException exhausted(String detail) {
        return new ConflictException("host-ports-exhausted", detail);
    }
}

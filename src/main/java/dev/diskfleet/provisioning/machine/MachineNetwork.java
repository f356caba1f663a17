package dev.diskfleet.provisioning.machine;

import dev.diskfleet.domain.machine.NetworkRules.RequestedForward;
import java.util.List;

/** A network as a client asks for it: host ports may be left to the service. */
public record MachineNetwork(String mode, boolean outbound, List<RequestedForward> forwards) {

    /** User networking, nothing forwarded, no way out: what a machine gets unless told otherwise. */
    public static final MachineNetwork DEFAULT = new MachineNetwork("user", false, List.of());

    public MachineNetwork {
        forwards = List.copyOf(forwards);
    }
}

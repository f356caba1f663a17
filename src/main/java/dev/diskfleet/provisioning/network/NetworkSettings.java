package dev.diskfleet.provisioning.network;

import dev.diskfleet.domain.network.HostPortRange;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * {@code diskfleet.network.host-ports}: where the service picks host ports for forwards that name none
 * (default {@code 40000-44999}); {@code diskfleet.network.forward-address}: the IPv4 address forwards listen
 * on (default {@code 127.0.0.1}, only this host; {@code 0.0.0.0} every interface). Checked at startup: a
 * wrong value stops the service with a message instead of failing every guest start.
 */
@Component
public class NetworkSettings {

    private final HostPortRange hostPorts;
    private final String forwardAddress;

    public NetworkSettings(@Value("${diskfleet.network.host-ports:40000-44999}") String hostPorts,
            @Value("${diskfleet.network.forward-address:127.0.0.1}") String forwardAddress) {
        this.hostPorts = HostPortRange.parse(hostPorts);
        this.forwardAddress = requireIpv4(forwardAddress);
    }

    public HostPortRange hostPorts() {
        return hostPorts;
    }

    public String forwardAddress() {
        return forwardAddress;
    }

    private static String requireIpv4(String address) {
        try {
            // An IPv4 literal only: QEMU's hostfwd takes one, and a name would be looked up at every start.
            if (address.matches("\\d{1,3}(\\.\\d{1,3}){3}") && InetAddress.getByName(address) instanceof Inet4Address) {
                return address;
            }
        } catch (UnknownHostException e) {
            // refused below
        }
        throw new IllegalStateException("diskfleet.network.forward-address must be an IPv4 address such as"
                + " 127.0.0.1 or 0.0.0.0, not '" + address + "'");
    }
}

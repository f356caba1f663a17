package dev.diskfleet.api.fleet;

import dev.diskfleet.provisioning.fleet.FleetInventory;
import dev.diskfleet.provisioning.network.MachineNetwork;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A fleet as an Ansible YAML inventory: one group named after the fleet, one host per machine. A host with a
 * forward of guest port 22 gets {@code ansible_host}/{@code ansible_port} from it; every host carries its
 * id, state and forwards as {@code diskfleet_*} variables. SnakeYAML writes it, so names with YAML's special
 * characters are quoted as they must be.
 */
final class AnsibleInventory {

    private AnsibleInventory() {
    }

    static String of(FleetInventory inventory) {
        Map<String, Object> hosts = new LinkedHashMap<>();
        for (FleetInventory.Host host : inventory.hosts()) {
            Map<String, Object> vars = new LinkedHashMap<>();
            host.ssh().ifPresent(ssh -> {
                vars.put("ansible_host", ssh.hostAddress());
                vars.put("ansible_port", ssh.hostPort());
            });
            vars.put("diskfleet_machine_id", host.machineId().toString());
            vars.put("diskfleet_state", host.state().apiName());
            if (host.node() != null) {
                vars.put("diskfleet_node", host.node());
            }
            Map<String, String> forwards = new LinkedHashMap<>();
            for (MachineNetwork.Forward forward : host.forwards()) {
                forwards.put(forward.key(), forward.hostEndpoint());
            }
            vars.put("diskfleet_forwards", forwards);
            hosts.put(host.name(), vars);
        }
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("hosts", hosts);
        group.put("vars", Map.of("diskfleet_fleet_id", inventory.fleet().getId().toString()));
        Map<String, Object> root = Map.of("all", Map.of("children", Map.of(groupName(inventory.fleet().getName()),
                group)));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        return new Yaml(options).dump(root);
    }

    /** Ansible warns about group names that are not identifiers: {@code pg-test} becomes {@code pg_test}. */
    static String groupName(String fleetName) {
        String name = fleetName.replaceAll("[^A-Za-z0-9_]", "_");
        return Character.isDigit(name.charAt(0)) ? "fleet_" + name : name;
    }
}

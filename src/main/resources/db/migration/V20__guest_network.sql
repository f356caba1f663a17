-- A machine's network: user-mode networking (one NIC, QEMU's NAT and DHCP) or none, and whether the guest
-- may reach out. Existing machines get user-mode networking without outbound access and without forwards:
-- nothing reaches them that did not before.
ALTER TABLE machines ADD COLUMN network_mode VARCHAR(8) DEFAULT 'USER' NOT NULL;
ALTER TABLE machines ADD COLUMN network_outbound BOOLEAN DEFAULT FALSE NOT NULL;

-- Port forwards: host_port on the service's forward address goes to guest_port of the machine's guest.
-- A host port picked by the service is kept here, so the machine gets the same one at every boot and
-- after restarts. The unique constraint makes a port the machine's alone however requests race or the
-- service is killed (a forward is written in the transaction that writes its machine); the cascade frees
-- it with the machine.
CREATE TABLE port_forwards (
    id          UUID         NOT NULL PRIMARY KEY,
    machine_id  UUID         NOT NULL,
    protocol    VARCHAR(3)   NOT NULL,
    guest_port  INTEGER      NOT NULL,
    host_port   INTEGER      NOT NULL,
    -- the client named host_port itself (rather than letting the service pick one)
    named       BOOLEAN      NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    version     BIGINT       NOT NULL,
    CONSTRAINT port_forwards_machine_fk FOREIGN KEY (machine_id) REFERENCES machines (id) ON DELETE CASCADE,
    CONSTRAINT port_forwards_host_port_uk UNIQUE (protocol, host_port),
    CONSTRAINT port_forwards_guest_port_uk UNIQUE (machine_id, protocol, guest_port)
);

-- What a fleet gives each member: CPUs and memory (NULL: the machine defaults), the network mode, outbound
-- access, and the guest ports forwarded ("5432/tcp,22/tcp"; each member gets host ports of its own).
ALTER TABLE fleets ADD COLUMN member_cpus INTEGER;
ALTER TABLE fleets ADD COLUMN member_memory_mb INTEGER;
ALTER TABLE fleets ADD COLUMN member_network_mode VARCHAR(8) DEFAULT 'USER' NOT NULL;
ALTER TABLE fleets ADD COLUMN member_network_outbound BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE fleets ADD COLUMN member_forwards VARCHAR(2000) DEFAULT '' NOT NULL;

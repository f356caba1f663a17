-- A machine's guest network: QEMU user networking (mode 'user') or none, whether the guest may reach out,
-- and its port forwards. A host port belongs to one machine at a time across the service: the unique key
-- makes two machines racing for one port, or a kill between choosing and committing, end with one owner.
ALTER TABLE machines ADD COLUMN network_mode VARCHAR(8) DEFAULT 'user' NOT NULL;
ALTER TABLE machines ADD COLUMN network_outbound BOOLEAN DEFAULT FALSE NOT NULL;

CREATE TABLE machine_forwards (
    machine_id  UUID        NOT NULL REFERENCES machines (id) ON DELETE CASCADE,
    protocol    VARCHAR(3)  NOT NULL,
    guest_port  INTEGER     NOT NULL,
    host_port   INTEGER     NOT NULL,
    CONSTRAINT machine_forwards_host_port_unique UNIQUE (protocol, host_port),
    CONSTRAINT machine_forwards_guest_port_unique UNIQUE (machine_id, protocol, guest_port)
);

-- What a fleet gives each member: CPUs and memory (NULL: the machine defaults), the network mode, outbound
-- access, and the guest ports forwarded ("5432/tcp,22/tcp"; each member gets host ports of its own).
ALTER TABLE fleets ADD COLUMN member_cpus INTEGER;
ALTER TABLE fleets ADD COLUMN member_memory_mb INTEGER;
ALTER TABLE fleets ADD COLUMN member_network_mode VARCHAR(8) DEFAULT 'user' NOT NULL;
ALTER TABLE fleets ADD COLUMN member_network_outbound BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE fleets ADD COLUMN member_forwards VARCHAR(2000) DEFAULT '' NOT NULL;

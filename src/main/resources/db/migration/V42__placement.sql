-- Where guests run. machines.node names the node whose storage root holds the machine's own disks and which
-- runs its guest: set on create (a single node, or a node named in the request), or at the machine's first
-- start in a cluster; NULL until then. A database of one node puts every machine there.
ALTER TABLE machines ADD COLUMN node VARCHAR(255);
UPDATE machines SET node = (SELECT MIN(name) FROM nodes) WHERE (SELECT COUNT(*) FROM nodes) = 1;

-- How a fleet spreads its members over the nodes: SPREAD (balanced by free guest memory) or PACK (one node
-- filled before the next).
ALTER TABLE fleets ADD COLUMN placement VARCHAR(16) DEFAULT 'SPREAD' NOT NULL;

-- What every node offers the others' placement decisions: the guest memory diskfleet.node.max-guest-memory-mb
-- allows it in all (free memory is that less its running guests' memory), and the address its guests' port
-- forwards are reached at (diskfleet.node.guest-address).
ALTER TABLE nodes ADD COLUMN guest_memory_bytes BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE nodes ADD COLUMN guest_address VARCHAR(255);

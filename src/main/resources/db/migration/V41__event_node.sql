-- The node whose service stored each event: in a cluster every node relays the others' events to its own
-- stream subscribers, and skips its own (they were sent when stored). Rows from before are a single node's.
ALTER TABLE events ADD COLUMN node VARCHAR(255);

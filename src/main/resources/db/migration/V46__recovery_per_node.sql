-- Which node wrote the row: the node running an operation, the node whose storage root a file intent
-- describes, the node whose request holds an idempotency claim. In a cluster each node's startup recovery
-- fails, settles and releases only its own rows (and those from before this column, NULL, which name no
-- node); without a cluster the one process takes every row, as before.
ALTER TABLE operations ADD COLUMN node VARCHAR(255);
ALTER TABLE file_intents ADD COLUMN node VARCHAR(255);
ALTER TABLE idempotency_keys ADD COLUMN node VARCHAR(255);

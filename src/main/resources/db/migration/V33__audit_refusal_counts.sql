-- Repeated refusals (401, 403, 429) of one caller from one address are one row per window: how many
-- requests it stands for, and when the last of them came.
ALTER TABLE audit_entries ADD COLUMN request_count INTEGER DEFAULT 1 NOT NULL;
ALTER TABLE audit_entries ADD COLUMN last_occurred_at TIMESTAMP WITH TIME ZONE;

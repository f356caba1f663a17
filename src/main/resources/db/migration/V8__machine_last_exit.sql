-- How a machine's last guest run ended: why, when, and on an abnormal exit the end of its
-- console. NULL until a guest has run and stopped.
ALTER TABLE machines ADD COLUMN last_exit_reason VARCHAR(32);
ALTER TABLE machines ADD COLUMN last_exit_detail VARCHAR(2000);
ALTER TABLE machines ADD COLUMN last_exit_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE machines ADD COLUMN last_exit_console VARCHAR(8000);

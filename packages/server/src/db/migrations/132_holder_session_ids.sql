-- Holder sessions a holder can list and revoke: an id to name one by (never the token or its hash), when it was
-- last used (updated at most every few minutes) and a device label from the browser that logged in.
ALTER TABLE holder_sessions ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE holder_sessions ADD CONSTRAINT holder_sessions_id_key UNIQUE (id);
ALTER TABLE holder_sessions ADD COLUMN last_used_at timestamptz;
ALTER TABLE holder_sessions ADD COLUMN device_label text;
UPDATE holder_sessions SET last_used_at = created_at;

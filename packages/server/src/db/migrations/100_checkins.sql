-- Check-ins (daily range partitions, tokens only), venue device credentials, staff tokens, token holders
-- and the outage log. Partitions are created by the retention job (ensureCheckinPartitions).

CREATE TABLE venue_devices (
  id text PRIMARY KEY,
  venue_id uuid NOT NULL REFERENCES venues (id),
  -- SHA-256 (hex) of the 32-byte random secret.
  secret_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX venue_devices_venue ON venue_devices (venue_id);

-- `day` is the KST day of the event id's UUIDv7 timestamp: the partition is a function of the id.
CREATE TABLE checkins (
  event_id uuid NOT NULL,
  day date NOT NULL,
  venue_id uuid NOT NULL,
  device_id text NOT NULL,
  at timestamptz NOT NULL,
  method text NOT NULL CHECK (method IN ('presentation', 'paper', 'manual')),
  token bytea CHECK (token IS NULL OR length(token) = 16),
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, event_id)
) PARTITION BY RANGE (day);
CREATE INDEX checkins_venue_at ON checkins (venue_id, at);

-- The 8-byte holder number inside check-in tokens, one per person.
CREATE TABLE checkin_holders (
  holder_number bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id uuid NOT NULL UNIQUE REFERENCES people (id)
);

CREATE TABLE staff_tokens (
  token_hash text PRIMARY KEY,
  login text NOT NULL,
  role text NOT NULL CHECK (role IN ('investigator', 'inspector', 'staff', 'venue_owner')),
  venue_id uuid REFERENCES venues (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CHECK ((role = 'venue_owner') = (venue_id IS NOT NULL))
);

CREATE TABLE outages (
  id bigserial PRIMARY KEY,
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  source text NOT NULL CHECK (source IN ('probe', 'staff')),
  reason text NOT NULL,
  declared_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX outages_started ON outages (started_at);

-- Signed publication (bundles and their key), holders (one-time codes, sessions, devices), partner consent,
-- and desk stickers.

ALTER TABLE keys DROP CONSTRAINT keys_kind_check;
ALTER TABLE keys ADD CONSTRAINT keys_kind_check CHECK (kind IN ('csca', 'dsc', 'shc', 'publication'));

-- Every bundle ever published: the latest per kind is served; older ones stay reachable by their digest.
CREATE TABLE published_bundles (
  kind text NOT NULL CHECK (kind IN ('trust-list', 'rules', 'revocation')),
  version bigint NOT NULL,
  -- base64url SHA-256 of the file: the strong ETag and the content address.
  digest text NOT NULL UNIQUE,
  -- SHA-256 of the content alone: an unchanged content is not published again.
  content_hash text NOT NULL,
  bytes bytea NOT NULL,
  issued_at timestamptz NOT NULL,
  PRIMARY KEY (kind, version)
);

CREATE TABLE otp_challenges (
  contact text PRIMARY KEY,
  -- scrypt hash of the code; the code itself is never stored.
  code_hash text NOT NULL,
  expires_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  sent_at timestamptz NOT NULL
);

CREATE TABLE holder_sessions (
  -- SHA-256 of the bearer token.
  token_hash text PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX holder_sessions_person_idx ON holder_sessions (person_id);

CREATE TABLE holder_devices (
  person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  -- Uncompressed P-256 point, base64url.
  public_key text NOT NULL,
  registered_at timestamptz NOT NULL,
  PRIMARY KEY (person_id, public_key)
);

CREATE TABLE partner_consents (
  person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  partner_id uuid NOT NULL REFERENCES partner_clients (id) ON DELETE CASCADE,
  granted_at timestamptz NOT NULL,
  revoked_at timestamptz,
  PRIMARY KEY (person_id, partner_id)
);

CREATE TABLE stickers (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  issued_at timestamptz NOT NULL,
  issued_by text NOT NULL
);

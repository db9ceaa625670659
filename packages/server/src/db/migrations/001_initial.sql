-- The registry, venues, partner clients, keys, issued certificates, revocations and the audit log.
-- Check-ins (daily partitions) get their own migration later.

CREATE TABLE people (
  id uuid PRIMARY KEY,
  external_id text NOT NULL UNIQUE,
  family_name text NOT NULL,
  given_name text,
  -- ICAO 9303 transliterations (DCC fnt/gnt), computed by the importer when the file has none.
  family_name_t text NOT NULL,
  given_name_t text,
  -- DCC forms: YYYY, YYYY-MM or YYYY-MM-DD.
  birth_date text NOT NULL,
  sex text CHECK (sex IN ('female', 'male', 'other', 'unknown')),
  phone text,
  guardian_external_id text,
  guardian_id uuid REFERENCES people (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX people_guardian_idx ON people (guardian_id);
CREATE INDEX people_phone_idx ON people (phone);

CREATE TABLE immunizations (
  person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  dose_number integer NOT NULL CHECK (dose_number BETWEEN 1 AND 9),
  series_total integer NOT NULL CHECK (series_total BETWEEN 1 AND 9),
  target text NOT NULL,
  vaccine_type text NOT NULL,
  product text NOT NULL,
  manufacturer text NOT NULL,
  administered_on date NOT NULL,
  country text NOT NULL,
  issuer text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (person_id, dose_number)
);

CREATE TABLE venues (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  category text NOT NULL,
  address text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE partner_clients (
  id uuid PRIMARY KEY,
  client_id text NOT NULL UNIQUE,
  name text NOT NULL,
  -- scrypt$N$r$p$salt$hash (hex)
  secret_hash text NOT NULL,
  quota_per_minute integer NOT NULL DEFAULT 600,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);

CREATE TABLE keys (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('csca', 'dsc', 'shc')),
  -- DCC kid (base64 of the first 8 bytes of SHA-256 of the DSC) or the SHC JWK thumbprint.
  kid text NOT NULL UNIQUE,
  country text NOT NULL,
  certificate bytea,
  public_jwk jsonb NOT NULL,
  -- v1 | salt(16) | iv(12) | AES-256-GCM ciphertext and tag
  private_key bytea NOT NULL,
  parent_id uuid REFERENCES keys (id),
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  publish_at timestamptz NOT NULL,
  sign_from timestamptz NOT NULL,
  retired_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (sign_from >= publish_at)
);
CREATE INDEX keys_kind_idx ON keys (kind, sign_from);

CREATE TABLE issued_certificates (
  person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('dcc', 'shc')),
  payload text NOT NULL,
  -- SHA-256 of the person and immunization record it was signed from: re-runs sign only changed records.
  source_hash text NOT NULL,
  key_id uuid NOT NULL REFERENCES keys (id),
  uci text,
  issued_at timestamptz NOT NULL,
  expires_at timestamptz,
  PRIMARY KEY (person_id, kind)
);
CREATE INDEX issued_certificates_uci_idx ON issued_certificates (uci);

CREATE TABLE revocations (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('dcc', 'shc')),
  uci text,
  key_id uuid REFERENCES keys (id),
  -- SHC revocation id (rid) or the DCC signature hash, depending on the kind.
  reference text,
  reason text NOT NULL,
  revoked_at timestamptz NOT NULL DEFAULT now(),
  revoked_by text NOT NULL
);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  subject text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

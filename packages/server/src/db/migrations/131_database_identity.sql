-- One row: this database's random id. The NATS stream of a deployment records it, and a server whose database
-- has another id refuses the stream (it belongs to another deployment).
CREATE TABLE database_identity (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO database_identity DEFAULT VALUES;

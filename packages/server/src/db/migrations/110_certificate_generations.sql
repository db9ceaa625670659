-- Certificate generations and one sticker per generation.
-- A reissue (desk, after a revocation or an expiry) signs a person's certificate again at the next generation: a
-- new UVCI and a new SHC rid, so the revocations of the old generation stay in force and do not hit the new one.
-- Generation 0 is every certificate signed before this migration; its UVCI and rid are unchanged.

ALTER TABLE issued_certificates ADD COLUMN generation integer NOT NULL DEFAULT 0 CHECK (generation >= 0);

-- A sticker records which certificate generation it vouched for; a second one for the same generation is a
-- replacement (lost or damaged ID card), which marks the earlier one replaced.
ALTER TABLE stickers ADD COLUMN generation integer NOT NULL DEFAULT 0;
ALTER TABLE stickers ADD COLUMN replaced_at timestamptz;
ALTER TABLE stickers ADD COLUMN replaced_by text;
ALTER TABLE stickers ADD COLUMN replace_reason text;

-- Stickers recorded before the guard existed could repeat: all but the latest per person count as replaced.
UPDATE stickers s SET replaced_at = s.issued_at, replaced_by = s.issued_by,
  replace_reason = 'recorded again before the sticker guard'
WHERE EXISTS (
  SELECT 1 FROM stickers n
  WHERE n.person_id = s.person_id AND (n.issued_at, n.id) > (s.issued_at, s.id)
);

CREATE UNIQUE INDEX stickers_one_per_generation ON stickers (person_id, generation) WHERE replaced_at IS NULL;

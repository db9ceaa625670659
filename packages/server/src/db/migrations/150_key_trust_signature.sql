-- The Gateway trust-list `signature` of a CSCA or DSC: an ES256 signature by the CSCA over the certificate's DER,
-- made once when the certificate is created (ECDSA signatures are randomised, so it is stored, not recomputed).
ALTER TABLE keys ADD COLUMN trust_signature bytea;

-- The administrator role: the first one comes from `greenlight admin bootstrap` on a deployment without one.
ALTER TABLE staff_tokens DROP CONSTRAINT staff_tokens_role_check;
ALTER TABLE staff_tokens ADD CONSTRAINT staff_tokens_role_check
  CHECK (role IN ('investigator', 'inspector', 'staff', 'venue_owner', 'admin'));

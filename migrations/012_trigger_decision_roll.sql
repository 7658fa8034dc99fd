-- A proactive rule's chance roll, kept with its decision, so "why" can show it: the number
-- drawn and the chance to be skipped it was drawn against (null when run by hand or for a
-- reactive rule, which fires whenever its condition matches).
ALTER TABLE ops_trigger_decisions ADD COLUMN roll double precision;
ALTER TABLE ops_trigger_decisions ADD COLUMN skip_probability double precision;

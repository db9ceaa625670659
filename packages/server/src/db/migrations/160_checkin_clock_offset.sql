-- The clock offset a scanner measured against the server and added to its own clock for an entry (milliseconds,
-- `at` = the tablet's clock + clock_offset_ms); NULL when the scanner sent none (older scanners). An investigation
-- sees from it whether the entry's time was corrected, and by how much (docs/checkins.md, "Clocks").
ALTER TABLE checkins ADD COLUMN clock_offset_ms bigint;

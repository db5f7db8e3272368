-- Events stored before this migration carry no round: forget them and their cursors, so the chain
-- ledger reads them again from FROM_BLOCK with the round each happened in.
DELETE FROM `chain_events`;
--> statement-breakpoint
DELETE FROM `chain_cursors`;
--> statement-breakpoint
ALTER TABLE `chain_events` ADD `round` integer DEFAULT 0 NOT NULL;

ALTER TABLE `gateway_nonces` ADD `creation_round` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `gateway_nonces` ADD `ev` text DEFAULT '0' NOT NULL;
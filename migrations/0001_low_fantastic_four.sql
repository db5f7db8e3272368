CREATE TABLE `accepted_tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`recipient` text NOT NULL,
	`sender` text NOT NULL,
	`face_value` text NOT NULL,
	`win_prob` text NOT NULL,
	`sender_nonce` text NOT NULL,
	`recipient_rand_hash` text NOT NULL,
	`creation_round` text NOT NULL,
	`creation_round_block_hash` text NOT NULL,
	`seed` text NOT NULL,
	`expiration_block` integer NOT NULL,
	`price_per_unit` text NOT NULL,
	`pixels_per_unit` text NOT NULL,
	`sig` text NOT NULL,
	`recipient_rand` text NOT NULL,
	`ticket_hash` text NOT NULL,
	`ev` text NOT NULL,
	`won` integer NOT NULL,
	`status` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accepted_tickets_rand_nonce` ON `accepted_tickets` (`recipient_rand_hash`,`sender_nonce`);--> statement-breakpoint
CREATE INDEX `accepted_tickets_sender` ON `accepted_tickets` (`recipient`,`sender`);--> statement-breakpoint
CREATE TABLE `gateway_balances` (
	`sender` text NOT NULL,
	`orchestrator` text NOT NULL,
	`balance` text NOT NULL,
	`sent_ev` text NOT NULL,
	`spent` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`sender`, `orchestrator`)
);
--> statement-breakpoint
CREATE TABLE `gateway_nonces` (
	`recipient_rand_hash` text PRIMARY KEY NOT NULL,
	`orchestrator` text NOT NULL,
	`last_nonce` integer NOT NULL,
	`expiration_block` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sender_balances` (
	`orchestrator` text NOT NULL,
	`sender` text NOT NULL,
	`balance` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`orchestrator`, `sender`)
);
--> statement-breakpoint
CREATE TABLE `ticket_redemptions` (
	`ticket_id` integer PRIMARY KEY NOT NULL,
	`recipient` text NOT NULL,
	`sender` text NOT NULL,
	`face_value` text NOT NULL,
	`expiration_block` integer NOT NULL,
	`last_valid_round` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`next_attempt_at` integer NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`ref` text,
	`amount_paid` text,
	`redeemed_round` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `accepted_tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ticket_redemptions_due` ON `ticket_redemptions` (`status`,`next_attempt_at`);
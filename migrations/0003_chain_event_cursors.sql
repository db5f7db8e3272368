CREATE TABLE `chain_cursors` (
	`source` text PRIMARY KEY NOT NULL,
	`block` integer NOT NULL,
	`block_hash` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `chain_events` (
	`source` text NOT NULL,
	`block` integer NOT NULL,
	`log_index` integer NOT NULL,
	`block_hash` text NOT NULL,
	`tx_hash` text NOT NULL,
	`name` text NOT NULL,
	`args` text NOT NULL,
	PRIMARY KEY(`source`, `block`, `log_index`)
);

CREATE TABLE `auth_nonces` (
	`signer` text NOT NULL,
	`nonce` text NOT NULL,
	`action` text NOT NULL,
	`deadline` integer NOT NULL,
	`used_at` integer NOT NULL,
	PRIMARY KEY(`signer`, `nonce`)
);
--> statement-breakpoint
CREATE TABLE `edge_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL,
	`acquired_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `edge_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `reward_calls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`orchestrator` text NOT NULL,
	`round` integer NOT NULL,
	`status` text NOT NULL,
	`ref` text,
	`amount` text,
	`error_code` text,
	`error` text,
	`attempts` integer DEFAULT 1 NOT NULL,
	`holder` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reward_calls_orchestrator_round_uq` ON `reward_calls` (`orchestrator`,`round`);
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`prefix` text NOT NULL,
	`name` text NOT NULL,
	`rate_limit_per_minute` integer NOT NULL,
	`window_start` integer DEFAULT 0 NOT NULL,
	`window_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_uq` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE TABLE `blobs` (
	`key` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`content_type` text NOT NULL,
	`sha256` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `consumer_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`orchestrator` text NOT NULL,
	`remote_job_id` text,
	`status` text NOT NULL,
	`fee` text NOT NULL,
	`tickets` integer NOT NULL,
	`tickets_face_value` text NOT NULL,
	`tickets_ev` text NOT NULL,
	`error` text,
	`started_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `consumer_attempts_job_attempt_uq` ON `consumer_attempts` (`job_id`,`attempt`);--> statement-breakpoint
CREATE TABLE `consumer_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`api_key_id` text,
	`capability` text NOT NULL,
	`spec` text NOT NULL,
	`inputs` text NOT NULL,
	`status` text NOT NULL,
	`orchestrator` text,
	`units` text,
	`price_per_unit` text,
	`pixels_per_unit` text,
	`fee` text,
	`tickets` integer DEFAULT 0 NOT NULL,
	`tickets_face_value` text,
	`tickets_ev` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`engine` text,
	`data` text,
	`error` text,
	`error_code` text,
	`timings` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`completed_at` integer
);
--> statement-breakpoint
CREATE INDEX `consumer_jobs_created_idx` ON `consumer_jobs` (`created_at`);--> statement-breakpoint
CREATE TABLE `consumer_outputs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job_id` text NOT NULL,
	`name` text NOT NULL,
	`blob_key` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`width` integer,
	`height` integer,
	`duration_sec` real
);
--> statement-breakpoint
CREATE UNIQUE INDEX `consumer_outputs_job_name_uq` ON `consumer_outputs` (`job_id`,`name`);--> statement-breakpoint
CREATE TABLE `queue_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`runner_id` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL,
	`ended_at` integer,
	`error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `queue_attempts_job_attempt_uq` ON `queue_attempts` (`job_id`,`attempt`);--> statement-breakpoint
CREATE TABLE `queue_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`orchestrator` text NOT NULL,
	`capability` text NOT NULL,
	`spec` text NOT NULL,
	`inputs` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`visible_at` integer NOT NULL,
	`lease_runner` text,
	`lease_expires_at` integer,
	`progress` real DEFAULT 0 NOT NULL,
	`progress_note` text,
	`result` text,
	`error` text,
	`sender` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`completed_at` integer
);
--> statement-breakpoint
CREATE INDEX `queue_jobs_claim_idx` ON `queue_jobs` (`orchestrator`,`status`,`visible_at`);--> statement-breakpoint
CREATE INDEX `queue_jobs_lease_idx` ON `queue_jobs` (`status`,`lease_expires_at`);--> statement-breakpoint
CREATE TABLE `queue_outputs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`name` text NOT NULL,
	`blob_key` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`width` integer,
	`height` integer,
	`duration_sec` real
);
--> statement-breakpoint
CREATE UNIQUE INDEX `queue_outputs_job_attempt_name_uq` ON `queue_outputs` (`job_id`,`attempt`,`name`);--> statement-breakpoint
CREATE TABLE `runners` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`orchestrator` text NOT NULL,
	`capabilities` text NOT NULL,
	`serves` text NOT NULL,
	`capacity` integer NOT NULL,
	`registered_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `runners_orchestrator_idx` ON `runners` (`orchestrator`);
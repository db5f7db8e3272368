CREATE TABLE `devnet_balances` (
	`address` text PRIMARY KEY NOT NULL,
	`lpt` text NOT NULL,
	`eth` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `devnet_delegators` (
	`address` text PRIMARY KEY NOT NULL,
	`bonded_amount` text NOT NULL,
	`fees` text NOT NULL,
	`delegate_address` text NOT NULL,
	`delegated_amount` text NOT NULL,
	`start_round` text NOT NULL,
	`last_claim_round` text NOT NULL,
	`next_unbonding_lock_id` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `devnet_earnings_pools` (
	`transcoder` text NOT NULL,
	`round` integer NOT NULL,
	`total_stake` text NOT NULL,
	`reward_cut` text NOT NULL,
	`fee_share` text NOT NULL,
	`cumulative_reward_factor` text NOT NULL,
	`cumulative_fee_factor` text NOT NULL,
	PRIMARY KEY(`transcoder`, `round`)
);
--> statement-breakpoint
CREATE TABLE `devnet_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ref` text NOT NULL,
	`name` text NOT NULL,
	`round` integer NOT NULL,
	`block` integer NOT NULL,
	`args` text NOT NULL,
	`addresses` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `devnet_events_name_idx` ON `devnet_events` (`name`,`id`);--> statement-breakpoint
CREATE TABLE `devnet_reserve_claims` (
	`holder` text NOT NULL,
	`round` integer NOT NULL,
	`claimant` text NOT NULL,
	`amount` text NOT NULL,
	PRIMARY KEY(`holder`, `round`, `claimant`)
);
--> statement-breakpoint
CREATE TABLE `devnet_rounds` (
	`round` integer PRIMARY KEY NOT NULL,
	`block_hash` text NOT NULL,
	`start_block` text NOT NULL,
	`initialized_at_block` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `devnet_senders` (
	`address` text PRIMARY KEY NOT NULL,
	`deposit` text NOT NULL,
	`withdraw_round` text NOT NULL,
	`reserve_funds_added` text NOT NULL,
	`reserve_claimed` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `devnet_service_uris` (
	`address` text PRIMARY KEY NOT NULL,
	`uri` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `devnet_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `devnet_transcoders` (
	`address` text PRIMARY KEY NOT NULL,
	`last_reward_round` text NOT NULL,
	`reward_cut` text NOT NULL,
	`fee_share` text NOT NULL,
	`last_active_stake_update_round` text NOT NULL,
	`activation_round` text NOT NULL,
	`deactivation_round` text NOT NULL,
	`active_cumulative_rewards` text NOT NULL,
	`cumulative_rewards` text NOT NULL,
	`cumulative_fees` text NOT NULL,
	`last_fee_round` text NOT NULL,
	`in_pool` integer NOT NULL,
	`pool_seq` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `devnet_transcoders_pool_idx` ON `devnet_transcoders` (`in_pool`);--> statement-breakpoint
CREATE TABLE `devnet_unbonding_locks` (
	`delegator` text NOT NULL,
	`id` integer NOT NULL,
	`amount` text NOT NULL,
	`withdraw_round` text NOT NULL,
	PRIMARY KEY(`delegator`, `id`)
);
--> statement-breakpoint
CREATE TABLE `devnet_used_tickets` (
	`hash` text PRIMARY KEY NOT NULL,
	`round` integer NOT NULL,
	`ref` text NOT NULL
);
--> statement-breakpoint
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
CREATE UNIQUE INDEX `reward_calls_orchestrator_round_uq` ON `reward_calls` (`orchestrator`,`round`);--> statement-breakpoint
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
	`price_per_unit` text,
	`pixels_per_unit` text,
	`fee` text,
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
CREATE INDEX `runners_orchestrator_idx` ON `runners` (`orchestrator`);--> statement-breakpoint
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
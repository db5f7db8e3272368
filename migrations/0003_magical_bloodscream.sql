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

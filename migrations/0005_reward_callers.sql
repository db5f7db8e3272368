CREATE TABLE `devnet_reward_callers` (
	`transcoder` text PRIMARY KEY NOT NULL,
	`reward_caller` text NOT NULL
);

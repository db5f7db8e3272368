ALTER TABLE `queue_jobs` ADD `price_per_unit` text;--> statement-breakpoint
ALTER TABLE `queue_jobs` ADD `pixels_per_unit` text;--> statement-breakpoint
ALTER TABLE `queue_jobs` ADD `fee` text;
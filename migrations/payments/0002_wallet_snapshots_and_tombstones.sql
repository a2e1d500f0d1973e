CREATE TABLE "payments"."wallet_snapshots" (
	"stream_id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"shape" integer NOT NULL,
	"state" jsonb NOT NULL,
	"taken_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wallet_snapshots_version_positive" CHECK (version > 0)
);
--> statement-breakpoint
ALTER TABLE "payments"."wallet_events" DROP CONSTRAINT "wallet_events_amount_positive";--> statement-breakpoint
ALTER TABLE "payments"."wallet_events" ADD CONSTRAINT "wallet_events_amount_shape" CHECK (case when type = 'voided' then amount_cents = 0 else amount_cents > 0 end);
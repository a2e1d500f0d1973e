CREATE SCHEMA "payments";
--> statement-breakpoint
CREATE TABLE "payments"."inbox" (
	"event_id" uuid NOT NULL,
	"subscription" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"last_error" text,
	"envelope" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_event_id_subscription_pk" PRIMARY KEY("event_id","subscription")
);
--> statement-breakpoint
CREATE TABLE "payments"."outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"version" integer NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"correlation_id" text NOT NULL,
	"causation_id" text,
	"traceparent" text,
	"payload" jsonb NOT NULL,
	"claimed_until" timestamp with time zone,
	"dispatched_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "payments"."wallet_events" (
	"position" bigserial PRIMARY KEY NOT NULL,
	"stream_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"type" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"order_id" uuid,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "wallet_events_stream_version_key" UNIQUE("stream_id","version"),
	CONSTRAINT "wallet_events_amount_positive" CHECK (amount_cents > 0),
	CONSTRAINT "wallet_events_version_positive" CHECK (version > 0),
	CONSTRAINT "wallet_events_order_shape" CHECK ((type = 'deposited') = (order_id is null))
);
--> statement-breakpoint
CREATE INDEX "inbox_dead_idx" ON "payments"."inbox" USING btree ("status") WHERE status = 'dead';--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "payments"."outbox" USING btree ("id") WHERE dispatched_at is null;--> statement-breakpoint
CREATE INDEX "outbox_history_idx" ON "payments"."outbox" USING btree ("type","id");--> statement-breakpoint
CREATE UNIQUE INDEX "wallet_events_order_key" ON "payments"."wallet_events" USING btree ("stream_id","type","order_id") WHERE order_id is not null;
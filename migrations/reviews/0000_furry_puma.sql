CREATE SCHEMA "reviews";
--> statement-breakpoint
CREATE TABLE "reviews"."completed_orders" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"items" jsonb NOT NULL,
	"completed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reviews"."inbox" (
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
CREATE TABLE "reviews"."outbox" (
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
CREATE TABLE "reviews"."reviews" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"rating" integer NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reviews_order_item_unique" UNIQUE("order_id","item_id")
);
--> statement-breakpoint
CREATE INDEX "inbox_dead_idx" ON "reviews"."inbox" USING btree ("status") WHERE status = 'dead';--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "reviews"."outbox" USING btree ("id") WHERE dispatched_at is null;--> statement-breakpoint
CREATE INDEX "outbox_history_idx" ON "reviews"."outbox" USING btree ("type","id");--> statement-breakpoint
CREATE INDEX "reviews_item_idx" ON "reviews"."reviews" USING btree ("item_id","created_at");
CREATE SCHEMA "storefront";
--> statement-breakpoint
CREATE TABLE "storefront"."inbox" (
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
CREATE TABLE "storefront"."item_ratings" (
	"item_id" uuid PRIMARY KEY NOT NULL,
	"rating_sum" integer NOT NULL,
	"review_count" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "storefront"."menu_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"price_cents" integer NOT NULL,
	"available" boolean NOT NULL,
	"version" integer NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "storefront"."order_history" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"status_at" timestamp with time zone NOT NULL,
	"status_rank" integer NOT NULL,
	"total_cents" integer,
	"items" jsonb,
	"placed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "storefront"."outbox" (
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
CREATE TABLE "storefront"."pending_refresh" (
	"item_id" uuid PRIMARY KEY NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"last_error" text,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "inbox_dead_idx" ON "storefront"."inbox" USING btree ("status") WHERE status = 'dead';--> statement-breakpoint
CREATE INDEX "order_history_customer_idx" ON "storefront"."order_history" USING btree ("customer_id","placed_at");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "storefront"."outbox" USING btree ("id") WHERE dispatched_at is null;--> statement-breakpoint
CREATE INDEX "outbox_history_idx" ON "storefront"."outbox" USING btree ("type","id");
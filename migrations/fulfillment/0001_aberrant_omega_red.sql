ALTER TABLE "fulfillment"."tickets" ADD COLUMN "traceparent" text;--> statement-breakpoint
ALTER TABLE "fulfillment"."tickets" ADD COLUMN "correlation_id" text;
ALTER TABLE "ordering"."sagas" ADD COLUMN "traceparent" text;--> statement-breakpoint
ALTER TABLE "ordering"."sagas" ADD COLUMN "correlation_id" text;
-- The wallet event store is append-only: history is corrected by appending (a refund), never by
-- rewriting. The database refuses UPDATE and DELETE so no code path can break that by accident.
CREATE FUNCTION "payments"."wallet_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'payments.wallet_events is append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "wallet_events_append_only" BEFORE UPDATE OR DELETE ON "payments"."wallet_events"
  FOR EACH ROW EXECUTE FUNCTION "payments"."wallet_events_append_only"();

-- Erase means erase, in flight too. An erased reader's rows in a chunk whose first attempt is still
-- being retried keep the address and links that chunk froze: every retry must send the same bytes
-- under the same idempotency key. The moment such a row settles (sent, failed, unconfirmed), they go,
-- with the local outbox's copy of that mail. Costs one primary-key read of subscribers per settled row.
CREATE TRIGGER deliveries_forget_erased AFTER UPDATE OF status ON deliveries
WHEN NEW.status <> 'sending'
  AND (NEW.address IS NOT NULL OR NEW.unsubscribe_url IS NOT NULL OR NEW.preferences_url IS NOT NULL)
  AND EXISTS (SELECT 1 FROM subscribers WHERE id = NEW.subscriber_id AND erased_at IS NOT NULL)
BEGIN
  UPDATE deliveries SET address = NULL, unsubscribe_url = NULL, preferences_url = NULL
    WHERE edition_id = NEW.edition_id AND subscriber_id = NEW.subscriber_id;
  DELETE FROM outbox WHERE to_address = OLD.address;
END;

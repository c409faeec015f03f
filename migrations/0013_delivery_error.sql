-- Why one recipient's mail was not sent when the rest of its batch was: batch calls use the
-- provider's permissive validation (src/mail/resend.ts), which sends the valid mails of a batch and
-- refuses the others one by one, each with its own reason. Kept on the delivery row it is about.
ALTER TABLE deliveries ADD COLUMN error TEXT;

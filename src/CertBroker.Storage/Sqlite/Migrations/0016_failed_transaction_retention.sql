-- Failed transactions (refused, rejected, expired) are deleted after CertBroker:Schedule:FailedTransactionRetentionDays
-- by the transaction clean-up job; this index finds them by age without reading the issued ones.
CREATE INDEX ix_transactions_failed ON transactions (updated_at) WHERE state = 2;

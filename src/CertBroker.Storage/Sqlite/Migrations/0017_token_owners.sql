-- The account each API token belongs to: the account that created it, or the account behind the token that did.
-- A token stops working when its owner is deleted (the tokens go with it) or disabled, or no longer holds the
-- token's permissions. NULL for tokens from before this version whose creator the audit trail no longer names.
ALTER TABLE api_tokens ADD COLUMN owner TEXT COLLATE NOCASE;

CREATE INDEX ix_api_tokens_owner ON api_tokens (owner);

-- Best effort for existing tokens: the account named as actor of their most recent token.created event, also when
-- that account was deleted since, so its tokens stop working as they would have with this version. Tokens created by
-- another token ("token:NAME"), or whose event was trimmed from the trail, stay without an owner.
UPDATE api_tokens SET owner = (
    SELECT CASE WHEN a.actor LIKE 'token:%' OR a.actor IN ('system', 'anonymous') THEN NULL
                ELSE COALESCE(accounts.user_name, a.actor) END
    FROM audit_events a LEFT JOIN accounts ON accounts.user_name = a.actor
    WHERE a.action = 'token.created' AND a.outcome = 0 AND a.target = 'token:' || api_tokens.name COLLATE NOCASE
    ORDER BY a.id DESC LIMIT 1);

-- Invite links: whoever holds one may join the room in the invite's role.
-- Only the SHA-256 of a token is kept (64 lower-case hex digits): a copy of this table does not let
-- anyone in. Runs unchanged on H2 and PostgreSQL. Follows V1 only; it does not depend on V2.
CREATE TABLE invite (
    id         VARCHAR(36)              NOT NULL PRIMARY KEY,
    room_id    VARCHAR(36)              NOT NULL,
    token_hash VARCHAR(64)              NOT NULL,
    role       VARCHAR(16)              NOT NULL,
    max_uses   INT,
    uses       INT                      NOT NULL DEFAULT 0,
    expires_at TIMESTAMP WITH TIME ZONE,
    created_by VARCHAR(128)             NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at TIMESTAMP WITH TIME ZONE,
    version    BIGINT                   NOT NULL DEFAULT 0,
    CONSTRAINT uq_invite_token_hash UNIQUE (token_hash),
    CONSTRAINT fk_invite_room FOREIGN KEY (room_id) REFERENCES room (id) ON DELETE CASCADE,
    CONSTRAINT ck_invite_role CHECK (role IN ('host', 'presenter', 'participant', 'observer')),
    -- the last line of defence against concurrent redemptions going over the limit
    CONSTRAINT ck_invite_uses CHECK (uses >= 0 AND (max_uses IS NULL OR (max_uses >= 1 AND uses <= max_uses)))
);
-- a room's invites, newest first
CREATE INDEX ix_invite_room_created ON invite (room_id, created_at);

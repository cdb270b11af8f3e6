-- Rooms and who belongs to them. Runs unchanged on H2 (embedded default) and PostgreSQL.
-- Times are instants: TIMESTAMP WITH TIME ZONE keeps them exact whatever the session's time zone.
-- state and role hold the API's lower-case wire names ('open', 'closed'; 'host', 'presenter', ...).
CREATE TABLE room (
    id           VARCHAR(36)              NOT NULL PRIMARY KEY,
    slug         VARCHAR(64)              NOT NULL,
    title        VARCHAR(200)             NOT NULL,
    kind         VARCHAR(32)              NOT NULL,
    state        VARCHAR(16)              NOT NULL,
    created_by   VARCHAR(128)             NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    closed_at    TIMESTAMP WITH TIME ZONE,
    close_reason VARCHAR(200),
    version      BIGINT                   NOT NULL DEFAULT 0,
    CONSTRAINT uq_room_slug UNIQUE (slug),
    CONSTRAINT ck_room_state CHECK (state IN ('open', 'closed'))
);
-- the admin list: newest first, optionally by state
CREATE INDEX ix_room_created ON room (created_at, id);
CREATE INDEX ix_room_state_created ON room (state, created_at);

CREATE TABLE membership (
    room_id    VARCHAR(36)              NOT NULL,
    user_id    VARCHAR(128)             NOT NULL,
    role       VARCHAR(16)              NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    version    BIGINT                   NOT NULL DEFAULT 0,
    CONSTRAINT pk_membership PRIMARY KEY (room_id, user_id),
    CONSTRAINT fk_membership_room FOREIGN KEY (room_id) REFERENCES room (id) ON DELETE CASCADE,
    CONSTRAINT ck_membership_role CHECK (role IN ('host', 'presenter', 'participant', 'observer'))
);
-- "my rooms"
CREATE INDEX ix_membership_user ON membership (user_id);

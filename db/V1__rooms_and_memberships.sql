-- Rooms and who belongs to them. Runs unchanged on H2 (embedded default) and PostgreSQL.
CREATE TABLE room (
    id           VARCHAR(36)  NOT NULL PRIMARY KEY,
    slug         VARCHAR(64)  NOT NULL,
    title        VARCHAR(200) NOT NULL,
    kind         VARCHAR(32)  NOT NULL,
    state        VARCHAR(16)  NOT NULL,
    created_by   VARCHAR(128) NOT NULL,
    created_at   TIMESTAMP    NOT NULL,
    updated_at   TIMESTAMP    NOT NULL,
    closed_at    TIMESTAMP,
    close_reason VARCHAR(64),
    version      BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT uq_room_slug UNIQUE (slug)
);
CREATE INDEX ix_room_state_created ON room (state, created_at);

CREATE TABLE membership (
    room_id    VARCHAR(36)  NOT NULL,
    user_id    VARCHAR(128) NOT NULL,
    role       VARCHAR(16)  NOT NULL,
    created_at TIMESTAMP    NOT NULL,
    updated_at TIMESTAMP    NOT NULL,
    version    BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT pk_membership PRIMARY KEY (room_id, user_id),
    CONSTRAINT fk_membership_room FOREIGN KEY (room_id) REFERENCES room (id) ON DELETE CASCADE
);
CREATE INDEX ix_membership_user ON membership (user_id);

package dev.roomkeeper.participants.entity;

import java.util.Locale;

/** What became of a verified webhook delivery; the {@code result} tag of {@code roomkeeper.participants.webhooks}. */
public enum Outcome {
    /** it changed the cache (or confirmed it) and its events are published */
    RECORDED,
    /** a redelivery of an event already recorded: nothing changed */
    DUPLICATE,
    /** older than what the cache holds (a late joined after its left, an event of a finished room): ignored */
    OUT_OF_ORDER,
    /** its LiveKit room maps to no Roomkeeper room */
    UNMAPPED,
    /** an event type the cache does not follow */
    IGNORED,
    /** the channel is full (the configured limits): not recorded */
    OVER_LIMIT;

    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

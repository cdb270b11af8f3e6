package dev.roomkeeper.playback.control;

/**
 * A host's command budget in one room: a token bucket refilled at {@code ratePerSecond} up to {@code burst}. Unlike
 * a plain limiter it says how long until the next token, so a refusal can tell the client when to retry.
 */
final class CommandBudget {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    CommandBudget(double ratePerSecond, int burst, long nowNanos) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.perNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes a token: 0 when there was one, else the nanoseconds until there is one (nothing taken). */
    synchronized long take(long nowNanos) {
        tokens = Math.min(burst, tokens + Math.max(0, nowNanos - last) * perNano);
        last = Math.max(last, nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / perNano);
    }
}

package dev.roomkeeper.transport.control;

/**
 * A token bucket: {@code ratePerSecond} tokens refill continuously up to {@code burst}. One per
 * connection; not shared between threads without the caller's lock (a connection's frames arrive one
 * at a time).
 */
public final class RateLimiter {

    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long last;

    public RateLimiter(double ratePerSecond, int burst, long nowNanos) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.ratePerNano = ratePerSecond / 1_000_000_000d;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes one token if there is one. */
    public synchronized boolean tryAcquire(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - last);
        last = nowNanos;
        tokens = Math.min(burst, tokens + elapsed * ratePerNano);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}

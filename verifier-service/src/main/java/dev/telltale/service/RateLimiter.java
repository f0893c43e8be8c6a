package dev.telltale.service;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-token token buckets, held in this instance's memory: a token may run {@code burst} detections
 * at once and then {@code perMinute} per minute. With several instances behind a load balancer each
 * instance keeps its own buckets, so the effective limit is per instance.
 */
public final class RateLimiter {
  private final double capacity;
  private final double refillPerNano;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(double perMinute, int burst, LongSupplier nanoClock) {
    this.capacity = burst;
    this.refillPerNano = perMinute / 60e9;
    this.clock = nanoClock;
  }

  public RateLimiter(double perMinute, int burst) {
    this(perMinute, burst, System::nanoTime);
  }

  /** The outcome of asking for one unit: allowed, or the whole seconds until one is available. */
  public record Decision(boolean allowed, long retryAfterSeconds) {}

  public Decision acquire(String key) {
    Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(capacity, clock.getAsLong()));
    synchronized (b) {
      long now = clock.getAsLong();
      b.tokens = Math.min(capacity, b.tokens + (now - b.updated) * refillPerNano);
      b.updated = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return new Decision(true, 0);
      }
      double waitNanos = (1 - b.tokens) / refillPerNano;
      return new Decision(false, Math.max(1, (long) Math.ceil(waitNanos / 1e9)));
    }
  }

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(double tokens, long updated) {
      this.tokens = tokens;
      this.updated = updated;
    }
  }
}

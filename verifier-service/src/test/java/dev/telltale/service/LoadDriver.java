package dev.telltale.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load driver: {@code clients} concurrent clients each send a detection, wait for the
 * answer and send the next, until the time is up. Latency is measured per request.
 */
final class LoadDriver {
  private LoadDriver() {}

  /** What a run measured; latencies in milliseconds. */
  record Result(
      int clients,
      double seconds,
      long requests,
      long errors,
      double throughput,
      double p50,
      double p99,
      double max) {
    @Override
    public String toString() {
      return String.format(
          "%d clients, %.1f s: %d requests, %d errors, %.0f req/s, p50 %.1f ms, p99 %.1f ms,"
              + " max %.1f ms",
          clients, seconds, requests, errors, throughput, p50, p99, max);
    }
  }

  static Future<Result> run(
      Vertx vertx, int port, String bearer, Buffer body, int clients, long millis) {
    WebClient client =
        WebClient.create(
            vertx,
            new WebClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(clients));
    List<Long> latencies = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    AtomicInteger running = new AtomicInteger(clients);
    Promise<Result> done = Promise.promise();
    long start = System.nanoTime();
    long deadline = start + millis * 1_000_000L;
    Runnable[] loop = new Runnable[1];
    loop[0] =
        () -> {
          if (System.nanoTime() >= deadline) {
            if (running.decrementAndGet() == 0) {
              double secs = (System.nanoTime() - start) / 1e9;
              client.close();
              done.complete(summarize(clients, secs, latencies, errors.get()));
            }
            return;
          }
          long t0 = System.nanoTime();
          client
              .post(port, "127.0.0.1", "/v1/detect")
              .putHeader("Authorization", "Bearer " + bearer)
              .putHeader("Content-Type", "application/json")
              .sendBuffer(body)
              .onComplete(
                  ar -> {
                    long t = System.nanoTime() - t0;
                    if (ar.failed() || ar.result().statusCode() != 200) {
                      errors.incrementAndGet();
                    }
                    synchronized (latencies) {
                      latencies.add(t);
                    }
                    loop[0].run();
                  });
        };
    for (int i = 0; i < clients; i++) {
      vertx.runOnContext(v -> loop[0].run());
    }
    return done.future();
  }

  private static Result summarize(int clients, double secs, List<Long> latencies, long errors) {
    long[] a;
    synchronized (latencies) {
      a = latencies.stream().mapToLong(Long::longValue).toArray();
    }
    Arrays.sort(a);
    return new Result(
        clients,
        secs,
        a.length,
        errors,
        a.length / secs,
        percentile(a, 0.50),
        percentile(a, 0.99),
        a.length == 0 ? 0 : a[a.length - 1] / 1e6);
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}

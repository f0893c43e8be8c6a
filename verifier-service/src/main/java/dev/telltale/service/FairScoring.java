package dev.telltale.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * Runs scoring work (tokenising and scoring text) on its own worker threads, shared fairly between
 * tokens: each token has its own queue, and a free thread takes the next task from the token after
 * the one it served last (round robin), so one token's burst waits behind its own requests and
 * never starves another token's. A token may have {@code limits.queued_per_token} tasks waiting or
 * running (429 beyond); a task whose request was already answered (timed out) is skipped.
 */
final class FairScoring {
  private final WorkerExecutor executor;
  private final int slots;
  private final int perToken;
  private final Map<String, ArrayDeque<Task<?>>> queues = new LinkedHashMap<>();
  private final Map<String, Integer> held = new LinkedHashMap<>();
  private int busy;

  private record Task<T>(
      String token, Callable<T> work, BooleanSupplier abandoned, Promise<T> done) {
    void run(WorkerExecutor executor, Runnable after) {
      if (abandoned.getAsBoolean()) {
        done.tryFail(new ProblemException(503, "timeout", "Service unavailable", "timed out"));
        after.run();
        return;
      }
      executor
          .executeBlocking(work, false)
          .onComplete(
              ar -> {
                after.run();
                if (ar.succeeded()) {
                  done.tryComplete(ar.result());
                } else {
                  done.tryFail(ar.cause());
                }
              });
    }
  }

  FairScoring(WorkerExecutor executor, int slots, int perToken) {
    this.executor = executor;
    this.slots = slots;
    this.perToken = perToken;
  }

  /** Queues {@code work} for {@code token}; fails with 429 when the token's share is full. */
  <T> Future<T> submit(String token, Callable<T> work, BooleanSupplier abandoned) {
    Promise<T> done = Promise.promise();
    synchronized (this) {
      int mine = held.getOrDefault(token, 0);
      if (mine >= perToken) {
        return Future.failedFuture(
            new ProblemException(
                429,
                "too-many-in-flight",
                "Too many requests",
                "this token already has "
                    + perToken
                    + " requests waiting or running; wait for their answers"));
      }
      held.put(token, mine + 1);
      queues
          .computeIfAbsent(token, t -> new ArrayDeque<>())
          .add(new Task<>(token, work, abandoned, done));
    }
    dispatch();
    return done.future();
  }

  /** Starts queued tasks while threads are free, one token after another. */
  private void dispatch() {
    while (true) {
      Task<?> next;
      synchronized (this) {
        if (busy >= slots || queues.isEmpty()) {
          return;
        }
        Iterator<Map.Entry<String, ArrayDeque<Task<?>>>> it = queues.entrySet().iterator();
        Map.Entry<String, ArrayDeque<Task<?>>> first = it.next();
        next = first.getValue().poll();
        it.remove();
        if (!first.getValue().isEmpty()) {
          // To the back of the rotation: every other waiting token goes first.
          queues.put(first.getKey(), first.getValue());
        }
        busy++;
      }
      String token = next.token();
      next.run(executor, () -> finished(token));
    }
  }

  private void finished(String token) {
    synchronized (this) {
      busy--;
      held.computeIfPresent(token, (t, n) -> n <= 1 ? null : n - 1);
    }
    dispatch();
  }
}

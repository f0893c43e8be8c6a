package dev.telltale.service;

import dev.telltale.text.Deadline;
import dev.telltale.text.DeadlineExceededException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs scoring work (tokenising and scoring text) on its own worker threads, shared fairly between
 * tokens: each token has its own queue, and a free thread takes the next task from the token after
 * the one it served last (round robin), so one token's burst waits behind its own requests and
 * never starves another token's. A token may have {@code limits.queued_per_token} tasks waiting or
 * running (429 beyond); a task whose request was already answered (timed out) is skipped.
 *
 * <p>A running task has a budget of CPU time ({@code limits.scoring_cpu_ms}), counted on its
 * thread: the work checks its {@link Deadline} between chunks of text and between keys, and stops
 * once the budget is used up, which frees the thread; the request is answered 422 {@code
 * time-budget-exceeded}. (Asking the response whether it already ended from the worker thread at
 * every check made other tokens' requests wait seconds longer in HostileClientTest's flood, so a
 * timed-out request runs until its budget or its end.)
 */
final class FairScoring {
  private final WorkerExecutor executor;
  private final int slots;
  private final int perToken;
  private final Duration budget;
  private final Map<String, ArrayDeque<Task<?>>> queues = new LinkedHashMap<>();
  private final Map<String, Integer> held = new LinkedHashMap<>();
  private int busy;

  /** Scoring work that checks {@code deadline} as it goes. */
  @FunctionalInterface
  interface Work<T> {
    T run(Deadline deadline) throws Exception;
  }

  private record Task<T>(String token, Work<T> work, BooleanSupplier abandoned, Promise<T> done) {
    void run(WorkerExecutor executor, Duration budget, Runnable after) {
      if (abandoned.getAsBoolean()) {
        done.tryFail(new ProblemException(503, "timeout", "Service unavailable", "timed out"));
        after.run();
        return;
      }
      // The task completes its promise on its own thread, and starts the next queued task from
      // there: no trip back to the event loop between scoring and what follows it (the caller
      // queues the audit row from this thread and returns to its context once, to answer).
      // No handler on executeBlocking's own future, so that it schedules nothing either.
      try {
        executor.executeBlocking(
            () -> {
              T out;
              try {
                out = runWithin(budget);
              } catch (Throwable e) {
                after.run();
                done.tryFail(e);
                return null;
              }
              after.run();
              done.tryComplete(out);
              return null;
            },
            false);
      } catch (RuntimeException e) {
        after.run();
        done.tryFail(e);
      }
    }

    /** On the worker thread, whose CPU time the deadline counts. */
    private T runWithin(Duration budget) throws Exception {
      Deadline cpu = Deadline.threadCpu(budget);
      try {
        return work.run(cpu);
      } catch (DeadlineExceededException e) {
        throw new ProblemException(
            422,
            "time-budget-exceeded",
            "Unprocessable content",
            "the request used up its scoring budget of "
                + budget.toMillis()
                + " ms of CPU time before it was done (limits.scoring_cpu_ms); send less text per"
                + " request");
      }
    }
  }

  FairScoring(WorkerExecutor executor, int slots, int perToken, Duration budget) {
    this.executor = executor;
    this.slots = slots;
    this.perToken = perToken;
    this.budget = budget;
  }

  /**
   * Queues {@code work} for {@code token}; fails with 429 when the token's share is full. The
   * future completes on the scoring thread that ran the work (or on the caller's, when refused):
   * return to a Vert.x context before touching a request.
   */
  <T> Future<T> submit(String token, Work<T> work, BooleanSupplier abandoned) {
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
      next.run(executor, budget, () -> finished(token));
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

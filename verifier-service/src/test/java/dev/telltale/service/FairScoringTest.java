package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The scoring queue is fair between tokens (issue 13 item 4): with one thread busy on a flooding
 * token's burst, another token's task runs next, not after the whole burst; a token past its share
 * is refused with 429; a task whose request was already answered is not run.
 */
class FairScoringTest {
  @Test
  void anotherTokensTaskRunsBeforeTheRestOfABurst() throws Exception {
    Vertx vertx = Vertx.vertx();
    WorkerExecutor one = vertx.createSharedWorkerExecutor("fair-test", 1);
    try {
      FairScoring fair = new FairScoring(one, 1, 8, java.time.Duration.ofSeconds(10));
      List<String> order = new CopyOnWriteArrayList<>();
      CountDownLatch gate = new CountDownLatch(1);
      List<Future<String>> all = new ArrayList<>();
      vertx.runOnContext(
          v -> {
            // The flooder's first task holds the only thread until the gate opens.
            all.add(
                fair.submit(
                    "flooder",
                    d -> {
                      gate.await(10, TimeUnit.SECONDS);
                      order.add("f0");
                      return "f0";
                    },
                    () -> false));
            for (int i = 1; i < 6; i++) {
              String name = "f" + i;
              all.add(fair.submit("flooder", d -> add(order, name), () -> false));
            }
            all.add(fair.submit("other", d -> add(order, "o"), () -> false));
            all.add(fair.submit("abandoned", d -> add(order, "never"), () -> true));
            gate.countDown();
          });
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (order.size() < 7 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Thread.sleep(100);
      assertEquals(List.of("f0", "f1", "o", "f2", "f3", "f4", "f5"), order);
      assertTrue(all.get(all.size() - 1).failed(), "an answered request's task must not run");

      // Past its share a token is refused at once, and others are not.
      FairScoring small = new FairScoring(one, 1, 2, java.time.Duration.ofSeconds(10));
      CountDownLatch hold = new CountDownLatch(1);
      List<Future<String>> share = new CopyOnWriteArrayList<>();
      vertx.runOnContext(
          v -> {
            for (int i = 0; i < 3; i++) {
              share.add(
                  small.submit(
                      "flooder",
                      d -> {
                        hold.await(10, TimeUnit.SECONDS);
                        return "x";
                      },
                      () -> false));
            }
            share.add(small.submit("other", d -> "o", () -> false));
          });
      while (share.size() < 4) {
        Thread.sleep(10);
      }
      assertTrue(share.get(2).failed());
      assertEquals(429, ((ProblemException) share.get(2).cause()).status());
      assertTrue(!share.get(3).failed());
      hold.countDown();
    } finally {
      one.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTaskPastItsCpuBudgetStopsWith422AndFreesItsThread() throws Exception {
    Vertx vertx = Vertx.vertx();
    WorkerExecutor one = vertx.createSharedWorkerExecutor("budget-test", 1);
    try {
      FairScoring fair = new FairScoring(one, 1, 8, java.time.Duration.ofMillis(50));
      List<Future<String>> all = new CopyOnWriteArrayList<>();
      vertx.runOnContext(
          v -> {
            // Work that would spin for a minute unless its deadline stops it.
            all.add(
                fair.submit(
                    "spinner",
                    d -> {
                      long end = System.nanoTime() + 60_000_000_000L;
                      long x = 0;
                      while (System.nanoTime() < end) {
                        for (int i = 0; i < 100_000; i++) {
                          x += i ^ (x >>> 3);
                        }
                        d.check();
                      }
                      return "spun " + x;
                    },
                    () -> false));
            all.add(fair.submit("other", d -> "o", () -> false));
          });
      long deadline = System.nanoTime() + 30_000_000_000L;
      while ((all.size() < 2 || !all.get(1).isComplete()) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(all.get(0).failed(), "the spinning task should have been stopped");
      ProblemException p = (ProblemException) all.get(0).cause();
      assertEquals(422, p.status());
      assertEquals("time-budget-exceeded", p.type());
      assertEquals("o", all.get(1).result(), "the freed thread runs the next task");
    } finally {
      one.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static String add(List<String> order, String name) {
    order.add(name);
    return name;
  }
}

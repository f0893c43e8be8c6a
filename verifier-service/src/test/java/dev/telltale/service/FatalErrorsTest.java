package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * An {@link OutOfMemoryError} ends the process (issue 13 item 1): thrown in a Vert.x handler, or
 * reaching the failure handler from a worker, it calls the halt hook (in production {@code
 * Runtime.halt}); an ordinary exception does not.
 */
class FatalErrorsTest {
  @Test
  void anOutOfMemoryErrorInTheServiceHaltsTheProcess() throws Exception {
    List<Throwable> halted = new CopyOnWriteArrayList<>();
    Consumer<Throwable> production = FatalErrors.halt;
    FatalErrors.halt = halted::add;
    Vertx vertx = Vertx.vertx();
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    try {
      FatalErrors.install(vertx);
      CountDownLatch ran = new CountDownLatch(2);
      vertx.runOnContext(
          v -> {
            ran.countDown();
            throw new IllegalStateException("an ordinary bug");
          });
      vertx.runOnContext(
          v -> {
            ran.countDown();
            throw new OutOfMemoryError("Java heap space");
          });
      assertTrue(ran.await(5, TimeUnit.SECONDS));
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (halted.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, halted.size(), "halted for: " + halted);
      assertTrue(halted.get(0) instanceof OutOfMemoryError);

      // Wrapped, as a worker's failure reaches the failure handler.
      assertTrue(FatalErrors.check(new RuntimeException(new OutOfMemoryError())));
      assertEquals(2, halted.size());
      assertEquals(false, FatalErrors.check(new RuntimeException("not fatal")));
    } finally {
      FatalErrors.halt = production;
      Thread.setDefaultUncaughtExceptionHandler(before);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}

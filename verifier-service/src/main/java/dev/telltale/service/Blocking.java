package dev.telltale.service;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/**
 * Runs blocking work (JDBC, scoring) on the service's worker pool, unordered so that requests run
 * in parallel; a failure goes to the route's failure handler, which answers problem+json.
 */
final class Blocking {
  private final WorkerExecutor worker;

  Blocking(WorkerExecutor worker) {
    this.worker = worker;
  }

  <T> Future<T> run(RoutingContext ctx, Callable<T> work) {
    return call(work).onFailure(ctx::fail);
  }

  /** The work's future, for callers that chain more steps and fail the request once. */
  <T> Future<T> call(Callable<T> work) {
    return worker.executeBlocking(work, false);
  }

  WorkerExecutor executor() {
    return worker;
  }
}

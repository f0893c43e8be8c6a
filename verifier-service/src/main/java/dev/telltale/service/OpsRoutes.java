package dev.telltale.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * The public and operations routes: {@code /health} (liveness and database readiness), {@code
 * /metrics} (Prometheus text) and {@code /openapi.json}. None needs a token; none reveals a key, a
 * token or submitted text.
 */
final class OpsRoutes {
  private final Database db;
  private final JobStore jobs;
  private final Metrics metrics;
  private final Buffer openApi;
  private final Blocking blocking;

  OpsRoutes(Database db, JobStore jobs, Metrics metrics, ApiDocument api, Blocking blocking) {
    this.db = db;
    this.jobs = jobs;
    this.metrics = metrics;
    this.openApi = Buffer.buffer(api.bytes());
    this.blocking = blocking;
  }

  void health(RoutingContext ctx) {
    blocking
        .run(ctx, db::ping)
        .onSuccess(
            up -> {
              ObjectNode o = JsonNodeFactory.instance.objectNode();
              o.put("status", up ? "up" : "down");
              ObjectNode checks = o.putObject("checks");
              checks.put("database", up ? "up" : "down");
              checks.put("keys", "loaded");
              JsonBody.write(ctx, up ? 200 : 503, o);
            });
  }

  void metrics(RoutingContext ctx) {
    blocking
        .run(ctx, jobs::countByState)
        .onSuccess(
            counts ->
                ctx.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(metrics.render(counts)));
  }

  void openApi(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json").end(openApi);
  }
}

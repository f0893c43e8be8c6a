package dev.telltale.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** {@code GET /v1/audit} (auditor): the audit log, newest first, paged by {@code before}. */
final class AuditRoutes {
  private final AuditLog audit;
  private final Blocking blocking;

  AuditRoutes(AuditLog audit, Blocking blocking) {
    this.audit = audit;
    this.blocking = blocking;
  }

  void list(RoutingContext ctx) {
    int limit = QueryParams.boundedInt(ctx, "limit", 1, 1000).orElse(100);
    Optional<Long> before = QueryParams.bounded(ctx, "before", 1, Integer.MAX_VALUE);
    blocking
        .run(ctx, () -> audit.list(limit, before))
        .onSuccess(
            rows -> {
              ObjectNode o = JsonNodeFactory.instance.objectNode();
              ArrayNode arr = o.putArray("entries");
              rows.forEach(e -> arr.add(e.toJson()));
              JsonBody.write(ctx, 200, o);
            });
  }
}

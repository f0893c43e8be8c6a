package dev.telltale.service;

import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** Query parameters read with bounds; anything else is a 400 naming the parameter. */
final class QueryParams {
  private QueryParams() {}

  static Optional<Long> bounded(RoutingContext ctx, String name, long min, long max) {
    String v = ctx.queryParams().get(name);
    if (v == null) {
      return Optional.empty();
    }
    try {
      long i = Long.parseLong(v);
      if (i < min || i > max) {
        throw new NumberFormatException();
      }
      return Optional.of(i);
    } catch (NumberFormatException e) {
      throw ProblemException.badRequest(
          "bad-parameter", name + " must be an integer in " + min + ".." + max);
    }
  }

  static Optional<Integer> boundedInt(RoutingContext ctx, String name, int min, int max) {
    return bounded(ctx, name, min, max).map(Long::intValue);
  }
}

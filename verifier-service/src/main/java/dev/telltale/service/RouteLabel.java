package dev.telltale.service;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Records a route's template for metrics. A platform handler, so it runs before the body handler
 * and requests refused there (413) are still counted under their route, not as unmatched.
 */
final class RouteLabel implements PlatformHandler {
  static final String KEY = "telltale.route";

  private final String template;

  RouteLabel(String template) {
    this.template = template;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.put(KEY, template);
    ctx.next();
  }
}

package dev.telltale.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one failure handler: maps every failure (a {@link ProblemException}, a status set by a Vert.x
 * handler such as the body limit or the timeout, or an unexpected exception) to an RFC 9457
 * problem+json body. Unexpected exceptions are logged with an incident id; the client gets only the
 * id, never a stack trace, submitted text or key material.
 */
final class ProblemHandler implements Handler<RoutingContext> {
  /** Context key of the seconds a 429 asks the client to wait. */
  static final String RETRY_AFTER = "telltale.retryAfter";

  private static final Logger LOG = Logger.getLogger(ProblemHandler.class.getName());
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PROBLEM_BASE = "https://telltale.dev/problems/";

  private final ServiceConfig config;

  ProblemHandler(ServiceConfig config) {
    this.config = config;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable f = ctx.failure();
    ProblemException p;
    if (f != null && FatalErrors.check(f)) {
      return;
    }
    if (f != null && clientGone(f)) {
      // The client closed the connection mid-request: nothing to answer, no incident.
      LOG.fine("client disconnected during " + ctx.request().method() + " " + ctx.normalizedPath());
      return;
    }
    if (f instanceof ProblemException pe) {
      p = pe;
    } else if (ctx.statusCode() == 413) {
      p =
          new ProblemException(
              413,
              "body-too-large",
              "Content too large",
              "the request body is larger than " + config.maxBodyBytes() + " bytes");
    } else if (ctx.statusCode() == 503) {
      p =
          new ProblemException(
              503,
              "timeout",
              "Service unavailable",
              "the request took longer than " + config.requestTimeoutMs() + " ms");
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      p =
          new ProblemException(
              ctx.statusCode(), "bad-request", "Bad request", "the request was refused");
    } else {
      String incident = UUID.randomUUID().toString();
      // The log gets the exception; the client gets an incident id to quote, nothing more.
      LOG.log(Level.SEVERE, "internal error, incident " + incident, f);
      p =
          new ProblemException(
              500,
              "internal",
              "Internal server error",
              "an internal error occurred; incident " + incident);
    }
    write(ctx, p);
  }

  /** True when {@code f} says the connection was closed by the client (reset, closed, gone). */
  static boolean clientGone(Throwable f) {
    for (Throwable t = f; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof io.vertx.core.http.HttpClosedException
          || t instanceof java.nio.channels.ClosedChannelException) {
        return true;
      }
      String m = t.getMessage();
      if (t instanceof java.io.IOException
          && m != null
          && (m.contains("Connection reset") || m.contains("Broken pipe"))) {
        return true;
      }
      if (m != null && m.equals("Connection was closed")) {
        return true;
      }
    }
    return false;
  }

  /** The 404 of a path no route knows (any method). */
  static ProblemException notFound(RoutingContext ctx) {
    return new ProblemException(
        404,
        "not-found",
        "Not found",
        "no route " + ctx.request().method() + " " + ctx.normalizedPath());
  }

  /** The 405 of a known path asked with a method it does not accept. */
  static ProblemException methodNotAllowed(String detail) {
    return new ProblemException(405, "method-not-allowed", "Method not allowed", detail);
  }

  /** Writes {@code p} unless a response is already on its way (e.g. after a timeout). */
  void write(RoutingContext ctx, ProblemException p) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    ObjectNode o = MAPPER.createObjectNode();
    o.put("type", PROBLEM_BASE + p.type());
    o.put("title", p.title());
    o.put("status", p.status());
    o.put("detail", p.detail());
    var resp = ctx.response().setStatusCode(p.status());
    resp.putHeader("Content-Type", "application/problem+json");
    resp.putHeader("Cache-Control", "no-store");
    if (p.status() == 401) {
      resp.putHeader("WWW-Authenticate", "Bearer");
    }
    Long retry = ctx.get(RETRY_AFTER);
    if (p.status() == 429 && retry != null) {
      resp.putHeader("Retry-After", Long.toString(retry));
    }
    resp.end(o.toString());
  }
}

package dev.telltale.service;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a JSON route's body, after the token, the role and the rate limit were checked from the
 * headers alone (the request is paused until then, see {@link #pause}): 415 unless the body is
 * {@code application/json}, 413 when {@code Content-Length} is over {@code limits.body_bytes}, and
 * 503 when the bytes all bodies being read may hold together ({@code limits.inflight_body_bytes})
 * cannot take this one; none of these reads a byte. A body without a length reserves the whole
 * limit.
 */
final class JsonBodyGate implements Handler<RoutingContext> {
  private final long bodyLimit;
  private final long budget;
  private final AtomicLong reserved = new AtomicLong();
  private final BodyHandler body;

  JsonBodyGate(long bodyLimit, long budget) {
    this.bodyLimit = bodyLimit;
    this.budget = budget;
    // With the length declared (and already checked against the limit and reserved), the body
    // buffer is allocated at that size (Vert.x caps it at 64 KB) instead of growing from 1 KB.
    this.body = BodyHandler.create(false).setBodyLimit(bodyLimit).setPreallocateBodyBuffer(true);
  }

  /**
   * The first handler of a route with a body: holds the body unread until the checks are done. When
   * the answer is sent before the body was read (a refusal), a body of at most {@link
   * #SWALLOW_BYTES} is discarded as it arrives (the body timeout bounds how long); a larger or
   * unannounced one is never read, and the connection is closed after the answer.
   */
  static void pause(RoutingContext ctx) {
    ctx.request().pause();
    ctx.addHeadersEndHandler(
        v -> {
          HttpServerRequest req = ctx.request();
          if (req.isEnded()) {
            return;
          }
          String length = req.getHeader("Content-Length");
          boolean small =
              length != null
                  && length.matches("\\d{1,18}")
                  && Long.parseLong(length) <= SWALLOW_BYTES;
          if (!small) {
            // A large refused body is never read: the answer goes out, then the connection is
            // closed, so an attacker's stalled megabytes cost neither memory nor event-loop time.
            ctx.response().putHeader("Connection", "close");
            ctx.addEndHandler(e -> req.connection().close());
            return;
          }
          // What a small request sends along with its headers is read and discarded, so that
          // the client reads the answer rather than a reset connection.
          req.handler(b -> {});
          req.endHandler(e -> {});
          req.resume();
        });
    ctx.next();
  }

  /** Largest refused body that is read (and discarded) rather than left unread. */
  static final long SWALLOW_BYTES = 128 * 1024;

  /** One to 18 ASCII digits (so it fits a {@code long}), checked without a regex per request. */
  static boolean isLength(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Bytes reserved by bodies being read now. */
  long reserved() {
    return reserved.get();
  }

  @Override
  public void handle(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String media = type == null ? "" : type.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!media.equals("application/json")) {
      ctx.fail(
          new ProblemException(
              415,
              "unsupported-media-type",
              "Unsupported media type",
              "send the request body as application/json"));
      return;
    }
    long declared = -1;
    String length = ctx.request().getHeader("Content-Length");
    if (length != null) {
      declared = isLength(length) ? Long.parseLong(length) : Long.MAX_VALUE;
    }
    if (declared > bodyLimit) {
      ctx.fail(
          new ProblemException(
              413,
              "body-too-large",
              "Content too large",
              "the request body is larger than " + bodyLimit + " bytes"));
      return;
    }
    long need = declared >= 0 ? declared : bodyLimit;
    if (!reserve(need)) {
      ctx.put(ProblemHandler.RETRY_AFTER, 1L);
      ctx.fail(
          new ProblemException(
              503,
              "busy",
              "Service unavailable",
              "the server is reading as many request bodies as it may hold; retry shortly"));
      return;
    }
    ctx.addEndHandler(v -> reserved.addAndGet(-need));
    body.handle(ctx);
  }

  private boolean reserve(long need) {
    while (true) {
      long now = reserved.get();
      if (now + need > budget) {
        return false;
      }
      if (reserved.compareAndSet(now, now + need)) {
        return true;
      }
    }
  }
}

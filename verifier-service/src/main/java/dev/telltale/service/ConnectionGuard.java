package dev.telltale.service;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps connections from holding the server: caps open connections in total and per remote address
 * (an excess connection is closed as soon as it is accepted), closes a connection that has not sent
 * a request's headers within {@code server.header_timeout_ms} of opening or of its previous answer,
 * one whose JSON body is not complete within {@code server.body_timeout_ms}, and (through the
 * server options) one that sends nothing for {@code server.idle_timeout_ms}.
 */
final class ConnectionGuard {
  private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());

  private final Vertx vertx;
  private final ServerLimits limits;
  private final AtomicInteger total = new AtomicInteger();
  private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
  private final Map<HttpConnection, Long> headerTimers = new ConcurrentHashMap<>();

  /**
   * The body timer of each connection's current request, cancelled once that request is answered
   * with its body read: left to run, every request's timer (and the request it holds) would stay on
   * the event loop's queue for the whole body timeout, tens of thousands of them under load.
   */
  private final Map<HttpConnection, BodyTimer> bodyTimers = new ConcurrentHashMap<>();

  private record BodyTimer(HttpServerRequest request, long id) {}

  private final AtomicInteger refused = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong accepted =
      new java.util.concurrent.atomic.AtomicLong();

  ConnectionGuard(Vertx vertx, ServerLimits limits) {
    this.vertx = vertx;
    this.limits = limits;
  }

  /** The server options with the read-idle timeout set. */
  HttpServerOptions options() {
    // Without cleartext HTTP/2 the connection exists (and is counted and timed) from the accept:
    // with it, Vert.x waits for the first bytes to tell HTTP/1 from h2c, so a silent connection
    // would be seen by nothing.
    return new HttpServerOptions()
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setReadIdleTimeout((int) Math.min(Integer.MAX_VALUE, limits.idleTimeoutMs()));
  }

  /** Open connections now. */
  int open() {
    return total.get();
  }

  /** Connections closed at once because a cap was reached, since start. */
  int refused() {
    return refused.get();
  }

  /** Connections taken in since start (refused ones included). */
  long accepted() {
    return accepted.get();
  }

  /** Counts a new connection, closing it when a cap is reached, and starts its header timer. */
  void accept(HttpConnection conn) {
    accepted.incrementAndGet();
    String address = address(conn.remoteAddress());
    AtomicInteger mine = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
    int all = total.incrementAndGet();
    int here = mine.incrementAndGet();
    conn.closeHandler(
        v -> {
          total.decrementAndGet();
          if (mine.decrementAndGet() == 0) {
            perAddress.remove(address, mine);
          }
          cancelHeaderTimer(conn);
          BodyTimer b = bodyTimers.remove(conn);
          if (b != null) {
            vertx.cancelTimer(b.id());
          }
        });
    if (all > limits.maxConnections() || here > limits.maxConnectionsPerAddress()) {
      if (refused.getAndIncrement() % 1000 == 0) {
        LOG.log(
            Level.WARNING,
            "connection cap reached ("
                + (all > limits.maxConnections() ? "server.max_connections" : "per address")
                + "); closing new connections");
      }
      conn.close();
      return;
    }
    startHeaderTimer(conn);
  }

  /**
   * Wraps the request handler: the headers arrived, so the header timer stops; a body must arrive
   * within the body timeout (uploads, streamed to disk, are bound by the idle timeout instead); the
   * header timer starts again when the answer ends.
   */
  Handler<HttpServerRequest> guard(Handler<HttpServerRequest> next) {
    return req -> {
      HttpConnection conn = req.connection();
      cancelHeaderTimer(conn);
      if (!req.isEnded() && !isUpload(req)) {
        long id =
            vertx.setTimer(
                limits.bodyTimeoutMs(),
                t -> {
                  bodyTimers.remove(conn, new BodyTimer(req, t));
                  if (!req.isEnded()) {
                    LOG.fine("closing a connection whose request body took too long");
                    conn.close();
                  }
                });
        // HTTP/1.1: a connection's next request starts after the previous body ended, so a timer
        // still kept for that body has nothing left to watch.
        BodyTimer old = bodyTimers.put(conn, new BodyTimer(req, id));
        if (old != null) {
          vertx.cancelTimer(old.id());
        }
      }
      next.handle(req);
    };
  }

  /**
   * The answer to {@code req} ended (called from the router's end handler: the response's own end
   * handler belongs to the router): its next request's headers are due.
   */
  void answered(HttpServerRequest req) {
    HttpConnection conn = req.connection();
    if (conn == null) {
      return;
    }
    // A body read to its end needs its timer no more; one still arriving (a refusal answered
    // before it, being discarded) keeps it.
    BodyTimer b = bodyTimers.get(conn);
    if (b != null && b.request().isEnded() && bodyTimers.remove(conn, b)) {
      vertx.cancelTimer(b.id());
    }
    if (total.get() > 0) {
      startHeaderTimer(conn);
    }
  }

  /** Body timers running now (one at most per connection). */
  int bodyTimers() {
    return bodyTimers.size();
  }

  private static boolean isUpload(HttpServerRequest req) {
    String type = req.getHeader("Content-Type");
    return "/v1/scans".equals(req.path())
        && (type == null
            || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json"));
  }

  private void startHeaderTimer(HttpConnection conn) {
    long id =
        vertx.setTimer(
            limits.headerTimeoutMs(),
            t -> {
              if (headerTimers.remove(conn, t)) {
                conn.close();
              }
            });
    Long old = headerTimers.put(conn, id);
    if (old != null) {
      vertx.cancelTimer(old);
    }
  }

  private void cancelHeaderTimer(HttpConnection conn) {
    Long id = headerTimers.remove(conn);
    if (id != null) {
      vertx.cancelTimer(id);
    }
  }

  private static String address(SocketAddress a) {
    if (a == null) {
      return "?";
    }
    return a.hostAddress() != null ? a.hostAddress() : String.valueOf(a.host());
  }
}

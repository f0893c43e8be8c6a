package dev.telltale.service;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Bearer-token authentication and role checks. A verified token is remembered for a few seconds
 * (keyed by the SHA-256 of the bearer string, so no secret is held) to spare the database one query
 * per request; revocation on this instance clears it at once.
 */
final class Auth {
  static final String TOKEN = "telltale.token";
  private static final int MAX_CACHED = 10_000;

  private final TokenStore tokens;
  private final WorkerExecutor worker;
  private final long cacheNanos;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(TokenStore.ApiToken token, long expires) {}

  Auth(TokenStore tokens, WorkerExecutor worker, int cacheSeconds) {
    this.tokens = tokens;
    this.worker = worker;
    this.cacheNanos = cacheSeconds * 1_000_000_000L;
  }

  /** A handler that admits only active tokens of {@code role} or one of {@code others}. */
  void require(RoutingContext ctx, Role role, Role... others) {
    EnumSet<Role> roles = EnumSet.of(role, others);
    String header = ctx.request().getHeader("Authorization");
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.fail(unauthorized("an Authorization: Bearer token is required"));
      return;
    }
    String bearer = header.substring(7).trim();
    String cacheKey = DetectionEngine.sha256Hex(bearer.getBytes(StandardCharsets.UTF_8));
    Cached c = cache.get(cacheKey);
    if (c != null && c.expires - System.nanoTime() > 0) {
      admit(ctx, c.token, roles);
      return;
    }
    Future<Optional<TokenStore.ApiToken>> f =
        worker.executeBlocking(() -> tokens.verify(bearer), false);
    f.onComplete(
        ar -> {
          if (ar.failed()) {
            ctx.fail(ar.cause());
          } else if (ar.result().isEmpty()) {
            cache.remove(cacheKey);
            ctx.fail(unauthorized("the bearer token is unknown, malformed or revoked"));
          } else {
            if (cacheNanos > 0) {
              if (cache.size() >= MAX_CACHED) {
                cache.clear();
              }
              cache.put(cacheKey, new Cached(ar.result().get(), System.nanoTime() + cacheNanos));
            }
            admit(ctx, ar.result().get(), roles);
          }
        });
  }

  private static void admit(RoutingContext ctx, TokenStore.ApiToken token, Set<Role> roles) {
    if (!roles.contains(token.role())) {
      ctx.fail(
          new ProblemException(
              403,
              "forbidden",
              "Forbidden",
              "this route needs the "
                  + roles.stream().map(Role::label).collect(Collectors.joining(" or "))
                  + " role; the token has "
                  + token.role().label()));
      return;
    }
    ctx.put(TOKEN, token);
    ctx.next();
  }

  /** Forgets a revoked token at once on this instance. */
  void forget(String tokenId) {
    cache.values().removeIf(c -> c.token.id().equals(tokenId));
  }

  private static ProblemException unauthorized(String detail) {
    return new ProblemException(401, "unauthorized", "Unauthorized", detail);
  }
}

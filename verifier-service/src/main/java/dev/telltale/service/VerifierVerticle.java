package dev.telltale.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.key.KeySet;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The HTTP API: one route table, thin handlers (parse, call core or storage off the event loop,
 * serialize) and one failure handler that maps every failure to RFC 9457 problem+json with no stack
 * trace, submitted text or key material.
 */
public final class VerifierVerticle extends VerticleBase {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ROUTE = RouteLabel.KEY;

  private final ServiceConfig config;
  private final Database db;
  private final DetectionEngine engine;
  private final Metrics metrics;
  private final RateLimiter limiter;
  private final TokenStore tokens;
  private final AuditLog audit;
  private final JobStore jobs;
  private final byte[] openApi;
  private final RequestSchema detectSchema;
  private final RequestSchema createTokenSchema;
  private final RequestSchema provenanceSchema;
  private final RequestSchema attributionSchema;
  private final ProvenanceCheck provenance;
  private final AttributionCheck attribution;
  private final RadioactivityCheck radioactivity;
  private final RequestSchema radioactivitySchema;
  private final KeySet keys;
  private final RequestSchema scanPathSchema;
  private ScanRoutes scans;
  private ScanJobs scanJobs;

  /** Methods each API route template accepts, for the 405 answers' {@code Allow} header. */
  private final Map<String, Set<HttpMethod>> allowed = new LinkedHashMap<>();

  private WorkerExecutor worker;
  private Auth auth;
  private HttpServer server;
  private final ProblemHandler problems;

  public VerifierVerticle(ServiceConfig config, Database db, KeySet keys, Metrics metrics) {
    this.config = config;
    this.db = db;
    this.engine = new DetectionEngine(keys, config.maxTokens());
    this.metrics = metrics;
    this.limiter = new RateLimiter(config.detectPerMinute(), config.detectBurst());
    this.tokens = new TokenStore(db.dataSource());
    this.audit = new AuditLog(db.dataSource());
    this.jobs = new JobStore(db.dataSource());
    this.problems = new ProblemHandler(config);
    this.provenance = new ProvenanceCheck(keys);
    this.attribution = new AttributionCheck(keys, config.maxTextChars());
    this.radioactivity = new RadioactivityCheck(keys, config.maxTextChars());
    this.keys = keys;
    this.openApi = resource("/openapi.json");
    try {
      JsonNode doc = MAPPER.readTree(openApi);
      JsonNode schemas = doc.path("components").path("schemas");
      this.detectSchema = new RequestSchema(schemas.get("DetectRequest"));
      this.createTokenSchema = new RequestSchema(schemas.get("CreateTokenRequest"));
      this.provenanceSchema = new RequestSchema(schemas.get("ProvenanceVerifyRequest"));
      this.attributionSchema = new RequestSchema(schemas.get("AttributionRequest"));
      this.radioactivitySchema = new RequestSchema(schemas.get("RadioactivityRequest"));
      this.scanPathSchema = new RequestSchema(schemas.get("ScanPathRequest"));
    } catch (IOException e) {
      throw new UncheckedIOException("the bundled OpenAPI document is unreadable", e);
    }
  }

  /** The port the server listens on (after start). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    worker =
        vertx.createSharedWorkerExecutor(
            "telltale-worker",
            config.workerThreads(),
            config.requestTimeoutMs() * 2,
            java.util.concurrent.TimeUnit.MILLISECONDS);
    auth = new Auth(tokens, worker, config.authCacheSeconds());
    scans = new ScanRoutes(vertx, config, jobs, keys, worker, scanPathSchema);
    scanJobs = new ScanJobs(config, jobs, keys);
    scanJobs.start();
    return vertx
        .createHttpServer()
        .requestHandler(router())
        .listen(config.port(), config.host())
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    if (scanJobs != null) {
      scanJobs.close();
    }
    Future<Void> closing = server == null ? Future.succeededFuture() : server.close();
    return closing.compose(v -> worker == null ? Future.succeededFuture() : worker.close());
  }

  /** The route table. */
  private Router router() {
    Router r = Router.router(vertx);
    r.route().handler(this::observe);
    r.route().handler(TimeoutHandler.create(config.requestTimeoutMs()));
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());

    route(r, HttpMethod.GET, "/health").handler(this::health);
    route(r, HttpMethod.GET, "/metrics").handler(this::metrics);
    route(r, HttpMethod.GET, "/openapi.json").handler(this::openApi);
    route(r, HttpMethod.GET, "/.well-known/telltale-keys").handler(provenance::serveKeys);

    route(r, HttpMethod.POST, "/v1/detect", body)
        .handler(ctx -> auth.require(ctx, Role.INVESTIGATOR))
        .handler(this::rateLimit)
        .handler(this::detect);
    // Attribution is an oracle too (it decodes the payload): same role, same bucket as detection.
    route(r, HttpMethod.POST, "/v1/attribution", body)
        .handler(ctx -> auth.require(ctx, Role.INVESTIGATOR))
        .handler(this::rateLimit)
        .handler(this::attribute);
    // The radioactivity test scores text under the secret keys: an oracle too, same bucket.
    route(r, HttpMethod.POST, "/v1/radioactivity", body)
        .handler(ctx -> auth.require(ctx, Role.INVESTIGATOR))
        .handler(this::rateLimit)
        .handler(this::testRadioactivity);
    // Verification uses only public keys (anyone with the JWKS can do it offline), so it is no
    // watermark oracle and not rate limited; the token is there to attribute the audit row.
    route(r, HttpMethod.POST, "/v1/provenance/verify", body)
        .handler(ctx -> auth.require(ctx, Role.INVESTIGATOR, Role.AUDITOR))
        .handler(this::verifyProvenance);
    // The upload is paused until the token and the job limit are checked, then streamed to disk.
    route(r, HttpMethod.POST, "/v1/scans")
        .handler(
            ctx -> {
              ctx.request().pause();
              // A refusal (401, 403, 413, 429 ...) drains the unread body, discarding it, so the
              // client, still sending, reads the answer instead of a reset connection.
              ctx.addHeadersEndHandler(
                  v -> {
                    if (!ctx.request().isEnded()) {
                      ctx.request().handler(b -> {});
                      ctx.request().endHandler(e -> {});
                      ctx.request().resume();
                    }
                  });
              ctx.next();
            })
        .handler(ctx -> auth.require(ctx, Role.INVESTIGATOR))
        .handler(ctx -> scans.create(ctx));
    route(r, HttpMethod.GET, "/v1/scans/:id")
        .handler(ctx -> auth.require(ctx, Role.INVESTIGATOR, Role.AUDITOR, Role.ADMIN))
        .handler(ctx -> scans.get(ctx));
    route(r, HttpMethod.DELETE, "/v1/scans/:id")
        .handler(ctx -> auth.require(ctx, Role.INVESTIGATOR, Role.AUDITOR, Role.ADMIN))
        .handler(ctx -> scans.cancel(ctx));
    route(r, HttpMethod.GET, "/v1/scans/:id/documents")
        .handler(ctx -> auth.require(ctx, Role.INVESTIGATOR, Role.AUDITOR, Role.ADMIN))
        .handler(ctx -> scans.documents(ctx));
    route(r, HttpMethod.GET, "/v1/audit")
        .handler(ctx -> auth.require(ctx, Role.AUDITOR))
        .handler(this::listAudit);
    route(r, HttpMethod.GET, "/v1/admin/tokens")
        .handler(ctx -> auth.require(ctx, Role.ADMIN))
        .handler(this::listTokens);
    route(r, HttpMethod.POST, "/v1/admin/tokens", body)
        .handler(ctx -> auth.require(ctx, Role.ADMIN))
        .handler(this::createToken);
    route(r, HttpMethod.DELETE, "/v1/admin/tokens/:id")
        .handler(ctx -> auth.require(ctx, Role.ADMIN))
        .handler(this::revokeToken);

    methodNotAllowed(r);
    // Every method reaches the static files' route, so a path no route knows is a 404 for all of
    // them (a GET-only route would make Vert.x answer other methods with 405).
    r.route("/*")
        .handler(new RouteLabel("static"))
        .handler(
            ctx -> {
              HttpMethod m = ctx.request().method();
              if (m != HttpMethod.GET && m != HttpMethod.HEAD) {
                ctx.fail(notFound(ctx));
                return;
              }
              ctx.response()
                  .putHeader(
                      "Content-Security-Policy",
                      "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
              ctx.next();
            })
        .handler(StaticHandler.create("webroot").setCachingEnabled(false));

    r.route().failureHandler(problems);
    r.errorHandler(404, ctx -> problems.write(ctx, notFound(ctx)));
    r.errorHandler(
        405,
        ctx ->
            problems.write(
                ctx,
                new ProblemException(
                    405,
                    "method-not-allowed",
                    "Method not allowed",
                    "this route does not accept " + ctx.request().method())));
    return r;
  }

  private static ProblemException notFound(RoutingContext ctx) {
    return new ProblemException(
        404,
        "not-found",
        "Not found",
        "no route " + ctx.request().method() + " " + ctx.normalizedPath());
  }

  private Route route(Router r, HttpMethod method, String path) {
    return route(r, method, path, null);
  }

  /** A route that records its template for metrics, then reads the body if one is given. */
  private Route route(Router r, HttpMethod method, String path, BodyHandler body) {
    allowed.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(method);
    Route route = r.route(method, path).handler(new RouteLabel(path));
    return body == null ? route : route.handler(body);
  }

  /**
   * A 405 with {@code Allow} for every other method on an API route. Registered after the API
   * routes and before the static catch-all, which would otherwise answer {@code GET /v1/detect}
   * with a 404; paths no route knows still get 404.
   */
  private void methodNotAllowed(Router r) {
    allowed.forEach(
        (path, methods) -> {
          String allow = String.join(", ", methods.stream().map(HttpMethod::name).toList());
          r.route(path)
              .handler(new RouteLabel(path))
              .handler(
                  ctx -> {
                    ctx.response().putHeader("Allow", allow);
                    ctx.fail(
                        new ProblemException(
                            405,
                            "method-not-allowed",
                            "Method not allowed",
                            path + " accepts " + allow + ", not " + ctx.request().method()));
                  });
        });
  }

  // ---- handlers -------------------------------------------------------------------------------

  private void health(RoutingContext ctx) {
    blocking(ctx, db::ping)
        .onSuccess(
            up -> {
              ObjectNode o = MAPPER.createObjectNode();
              o.put("status", up ? "up" : "down");
              ObjectNode checks = o.putObject("checks");
              checks.put("database", up ? "up" : "down");
              checks.put("keys", "loaded");
              JsonBody.write(ctx, up ? 200 : 503, o);
            });
  }

  private void metrics(RoutingContext ctx) {
    blocking(ctx, jobs::countByState)
        .onSuccess(
            counts ->
                ctx.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(metrics.render(counts)));
  }

  private void openApi(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(openApi));
  }

  private void rateLimit(RoutingContext ctx) {
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    RateLimiter.Decision d = limiter.acquire(t.id());
    if (!d.allowed()) {
      metrics.rateLimited();
      ctx.put(ProblemHandler.RETRY_AFTER, d.retryAfterSeconds());
      ctx.fail(
          new ProblemException(
              429,
              "rate-limited",
              "Too many requests",
              "this token's detection limit is used up; retry after "
                  + d.retryAfterSeconds()
                  + " s"));
      return;
    }
    ctx.next();
  }

  private void detect(RoutingContext ctx) {
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    Buffer raw = ctx.body().buffer();
    blocking(
            ctx,
            () -> {
              JsonNode n = validated(raw, detectSchema);
              DetectionEngine.Request req = DetectionEngine.Request.fromJson(n);
              req.text().ifPresent(this::checkTextLength);
              DetectionEngine.Outcome out = engine.detect(req);
              // Audited before the answer leaves: no detection without its audit row.
              audit.append(
                  new AuditLog.Entry(
                      0,
                      Instant.now(),
                      t.id(),
                      "/v1/detect",
                      out.inputSha256(),
                      out.tokens(),
                      Optional.of(out.result().best().keyId().value()),
                      Optional.of(out.result().verdict().label()),
                      Optional.of(out.result().best().pValue()),
                      Optional.of(out.result().best().log10PValue())));
              return out;
            })
        .onSuccess(
            out -> {
              metrics.detection(out.result().verdict().label());
              JsonBody.write(ctx, 200, out.json());
            });
  }

  private void attribute(RoutingContext ctx) {
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    Buffer raw = ctx.body().buffer();
    blocking(
            ctx,
            () -> {
              AttributionCheck.Outcome out =
                  attribution.attribute(
                      AttributionCheck.Request.fromJson(validated(raw, attributionSchema)));
              // The row keeps the digest, the strongest named account (or none), never the text.
              var top = out.strongest();
              audit.append(
                  new AuditLog.Entry(
                      0,
                      Instant.now(),
                      t.id(),
                      "/v1/attribution",
                      out.inputSha256(),
                      out.tokens(),
                      Optional.of(out.keyId()),
                      Optional.of(top.map(f -> "account:" + f.account()).orElse("none")),
                      top.map(f -> f.pValue().pValue()),
                      top.map(f -> f.pValue().log10PValue())));
              return out;
            })
        .onSuccess(
            out -> {
              metrics.attribution(out.strongest().isPresent() ? "attributed" : "none");
              JsonBody.write(ctx, 200, out.json());
            });
  }

  private void testRadioactivity(RoutingContext ctx) {
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    Buffer raw = ctx.body().buffer();
    blocking(
            ctx,
            () -> {
              RadioactivityCheck.Outcome out =
                  radioactivity.test(
                      RadioactivityCheck.Request.fromJson(validated(raw, radioactivitySchema)));
              // The row keeps the body's digest, the verdict and the strongest key's p, never text.
              audit.append(
                  new AuditLog.Entry(
                      0,
                      Instant.now(),
                      t.id(),
                      "/v1/radioactivity",
                      DetectionEngine.sha256Hex(raw.getBytes()),
                      out.tokens(),
                      Optional.of(out.strongest().keyId().value()),
                      Optional.of(out.verdict()),
                      Optional.of(out.strongest().p().pValue()),
                      Optional.of(out.strongest().p().log10PValue())));
              return out;
            })
        .onSuccess(
            out -> {
              metrics.radioactivity(out.verdict());
              JsonBody.write(ctx, 200, out.json());
            });
  }

  /** The body parsed strictly and checked against {@code schema}; a 400 problem otherwise. */
  private static JsonNode validated(Buffer raw, RequestSchema schema) {
    JsonNode n = JsonBody.parse(raw);
    schema
        .violation(n)
        .ifPresent(
            v -> {
              throw ProblemException.badRequest("schema-violation", v);
            });
    return n;
  }

  private void checkTextLength(String text) {
    if (text.length() > config.maxTextChars()) {
      throw new ProblemException(
          413,
          "text-too-long",
          "Content too large",
          "the text has " + text.length() + " characters; the limit is " + config.maxTextChars());
    }
  }

  private void verifyProvenance(RoutingContext ctx) {
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    Buffer raw = ctx.body().buffer();
    blocking(
            ctx,
            () -> {
              JsonNode n = validated(raw, provenanceSchema);
              ProvenanceCheck.Request req = ProvenanceCheck.Request.fromJson(n);
              checkTextLength(req.text());
              ProvenanceCheck.Outcome out = provenance.verify(req);
              // The row keeps the digest of text and token and the status, never the text.
              audit.append(
                  new AuditLog.Entry(
                      0,
                      Instant.now(),
                      t.id(),
                      "/v1/provenance/verify",
                      out.inputSha256(),
                      0,
                      out.verification().kid().map(k -> k.value()),
                      Optional.of(out.verification().reason().name()),
                      Optional.empty(),
                      Optional.empty()));
              return out;
            })
        .onSuccess(
            out -> {
              metrics.verification(out.verification().reason().name());
              JsonBody.write(ctx, 200, out.json());
            });
  }

  private void listAudit(RoutingContext ctx) {
    int limit = queryInt(ctx, "limit", 1, 1000).orElse(100);
    Optional<Integer> before = queryInt(ctx, "before", 1, Integer.MAX_VALUE);
    blocking(ctx, () -> audit.list(limit, before.map(Integer::longValue)))
        .onSuccess(
            rows -> {
              ObjectNode o = MAPPER.createObjectNode();
              ArrayNode arr = o.putArray("entries");
              rows.forEach(e -> arr.add(e.toJson()));
              JsonBody.write(ctx, 200, o);
            });
  }

  private void listTokens(RoutingContext ctx) {
    blocking(ctx, tokens::list)
        .onSuccess(
            list -> {
              ObjectNode o = MAPPER.createObjectNode();
              ArrayNode arr = o.putArray("tokens");
              list.forEach(t -> arr.add(tokenJson(t)));
              JsonBody.write(ctx, 200, o);
            });
  }

  private void createToken(RoutingContext ctx) {
    Buffer raw = ctx.body().buffer();
    blocking(
            ctx,
            () -> {
              JsonNode n = validated(raw, createTokenSchema);
              Role role = Role.parse(n.get("role").textValue()).orElseThrow();
              return tokens.create(role, n.path("label").asText(""));
            })
        .onSuccess(
            issued -> {
              ObjectNode o = tokenJson(issued.token());
              o.put("token", issued.bearer());
              JsonBody.write(ctx, 201, o);
            });
  }

  private void revokeToken(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking(ctx, () -> tokens.revoke(id))
        .onSuccess(
            t -> {
              if (t.isEmpty()) {
                ctx.fail(ProblemException.notFound("unknown-token", "no token with this id"));
                return;
              }
              auth.forget(id);
              JsonBody.write(ctx, 200, tokenJson(t.get()));
            });
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private void observe(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.response().putHeader("X-Content-Type-Options", "nosniff");
    ctx.addEndHandler(
        v ->
            metrics.request(
                ctx.get(ROUTE, "unmatched"),
                ctx.request().method().name(),
                ctx.response().getStatusCode(),
                System.nanoTime() - start));
    ctx.next();
  }

  /** Runs blocking work on the worker pool (unordered, so requests run in parallel). */
  private <T> Future<T> blocking(RoutingContext ctx, Callable<T> work) {
    Future<T> f = worker.executeBlocking(work, false);
    return f.onFailure(ctx::fail);
  }

  private static ObjectNode tokenJson(TokenStore.ApiToken t) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("id", t.id());
    o.put("role", t.role().label());
    o.put("label", t.label());
    o.put("created", t.created().toString());
    t.revoked().ifPresent(r -> o.put("revoked", r.toString()));
    return o;
  }

  private static Optional<Integer> queryInt(RoutingContext ctx, String name, int min, int max) {
    String v = ctx.queryParams().get(name);
    if (v == null) {
      return Optional.empty();
    }
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) {
        throw new NumberFormatException();
      }
      return Optional.of(i);
    } catch (NumberFormatException e) {
      throw ProblemException.badRequest(
          "bad-parameter", name + " must be an integer in " + min + ".." + max);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = VerifierVerticle.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.telltale.service;

import dev.telltale.key.KeySet;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP API's route table. Each route names its template (for metrics), its body handling, the
 * roles it admits and one handler method of a small class per concern ({@link DetectionRoutes},
 * {@link ScanRoutes}, {@link ScanJobRoutes}, {@link AdminRoutes}, {@link AuditRoutes}, {@link
 * EvidenceRoutes}, {@link OpsRoutes}); one failure handler ({@link ProblemHandler}) maps every
 * failure to RFC 9457 problem+json with no stack trace, submitted text or key material.
 */
public final class VerifierVerticle extends VerticleBase {
  /** Audit rows waiting for their group commit; beyond this, requests are refused with 503. */
  private static final int AUDIT_QUEUE = 4096;

  /** Most audit rows committed in one transaction. */
  private static final int AUDIT_BATCH = 256;

  private final ServiceConfig config;
  private final Database db;
  private final KeySet keys;
  private final Metrics metrics;
  private final TokenStore tokens;
  private final AuditLog audit;
  private final JobStore jobs;
  private final ApiDocument api;
  private final ServiceTokenizers tokenizers;
  private final ProblemHandler problems;

  /** Methods each API route template accepts, for the 405 answers' {@code Allow} header. */
  private final Map<String, Set<HttpMethod>> allowed = new LinkedHashMap<>();

  private Blocking blocking;
  private AuditWriter auditWriter;
  private Auth auth;
  private ScanJobs scanJobs;
  private HttpServer server;
  private WorkerExecutor scoringThreads;
  private FairScoring scoring;
  private ConnectionGuard connections;
  private JsonBodyGate jsonBody;

  public VerifierVerticle(ServiceConfig config, Database db, KeySet keys, Metrics metrics) {
    this.config = config;
    this.db = db;
    this.keys = keys;
    this.metrics = metrics;
    this.tokens = new TokenStore(db.dataSource());
    this.audit = new AuditLog(db.dataSource());
    this.jobs = new JobStore(db.dataSource());
    this.tokenizers = ServiceTokenizers.load(config.tokenizerFiles());
    this.api = ApiDocument.bundled().withTokenizers(tokenizers.configuredNames());
    this.problems = new ProblemHandler(config);
  }

  /** The connection caps and timeouts (after start). */
  ConnectionGuard connections() {
    return connections;
  }

  /** The port the server listens on (after start). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    blocking =
        new Blocking(
            vertx.createSharedWorkerExecutor(
                "telltale-worker",
                config.workerThreads(),
                config.requestTimeoutMs() * 2L,
                TimeUnit.MILLISECONDS));
    auth = new Auth(tokens, blocking.executor(), config.authCacheSeconds());
    auditWriter = new AuditWriter(db.dataSource(), AUDIT_QUEUE, AUDIT_BATCH);
    scanJobs =
        new ScanJobs(
            config, jobs, keys, Optional.of(new EvidenceLog(db.dataSource(), keys)), tokenizers);
    scanJobs.start();
    FatalErrors.install(vertx);
    // Scoring has threads of its own, shared fairly between tokens, so neither a token's burst nor
    // long texts hold the threads that answer /health, check tokens and write to the database.
    scoringThreads =
        vertx.createSharedWorkerExecutor(
            "telltale-scoring",
            config.workerThreads(),
            config.requestTimeoutMs() * 2L,
            TimeUnit.MILLISECONDS);
    scoring =
        new FairScoring(
            scoringThreads,
            config.workerThreads(),
            config.limits().queuedPerToken(),
            java.time.Duration.ofMillis(config.limits().scoringCpuMs()));
    connections = new ConnectionGuard(vertx, config.limits());
    jsonBody = new JsonBodyGate(config.maxBodyBytes(), config.limits().inflightBodyBytes());
    return vertx
        .createHttpServer(connections.options())
        .connectionHandler(connections::accept)
        .requestHandler(connections.guard(router()))
        .listen(config.port(), config.host())
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    if (scanJobs != null) {
      scanJobs.close();
    }
    Future<Void> closing = server == null ? Future.succeededFuture() : server.close();
    return closing
        .compose(v -> blocking == null ? Future.succeededFuture() : blocking.executor().close())
        .compose(v -> scoringThreads == null ? Future.succeededFuture() : scoringThreads.close())
        .compose(
            v ->
                auditWriter == null
                    ? Future.succeededFuture()
                    : vertx.executeBlocking(
                        () -> {
                          auditWriter.close();
                          return null;
                        }));
  }

  /** The route table. */
  private Router router() {
    ProvenanceCheck provenance = new ProvenanceCheck(keys);
    EvidenceLog evidenceLog = new EvidenceLog(db.dataSource(), keys);
    OpsRoutes ops = new OpsRoutes(db, jobs, metrics, api, blocking);
    DetectionRoutes detection =
        new DetectionRoutes(
            config,
            new DetectionEngine(keys, config.maxTokens(), tokenizers, config.spreadReference()),
            new AttributionCheck(keys, config.maxTextChars(), tokenizers),
            new RadioactivityCheck(keys, config.maxTextChars(), tokenizers),
            provenance,
            auditWriter,
            evidenceLog,
            keys,
            metrics,
            api,
            blocking,
            "PostgreSQL".equals(db.product())
                ? Optional.of(
                    new SharedRateLimiter(
                        db.dataSource(), config.detectPerMinute(), config.detectBurst()))
                : Optional.empty(),
            scoring);
    ScanRoutes scans =
        new ScanRoutes(
            vertx,
            config,
            jobs,
            keys,
            evidenceLog,
            blocking,
            api.schema("ScanPathRequest"),
            tokenizers);
    ScanJobRoutes scanJobRoutes = new ScanJobRoutes(config, jobs, blocking);
    AdminRoutes admin = new AdminRoutes(tokens, auth, api.schema("CreateTokenRequest"), blocking);
    AuditRoutes auditing = new AuditRoutes(audit, blocking);
    EvidenceRoutes evidence = new EvidenceRoutes(evidenceLog, keys, blocking);

    Router r = Router.router(vertx);
    r.route().handler(this::observe);
    r.route().handler(TimeoutHandler.create(config.requestTimeoutMs()));
    // A route with a body is paused until the token, the role and the rate limit are checked
    // from the headers; only then does jsonBody read it (within the in-flight byte budget).
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
    Handler<RoutingContext> json = jsonBody;

    route(r, HttpMethod.GET, "/health").handler(ops::health);
    if (config.limits().metricsPublic()) {
      route(r, HttpMethod.GET, "/metrics").handler(ops::metrics);
    } else {
      route(r, HttpMethod.GET, "/metrics")
          .handler(roles(Role.ADMIN, Role.AUDITOR))
          .handler(ops::metrics);
    }
    route(r, HttpMethod.GET, "/openapi.json").handler(ops::openApi);
    route(r, HttpMethod.GET, "/.well-known/telltale-keys").handler(provenance::serveKeys);

    // Detection, attribution (it decodes the payload) and the radioactivity test score text under
    // the secret keys: each is an oracle, so they share one per-token rate bucket.
    route(r, HttpMethod.POST, "/v1/detect", body)
        .handler(roles(Role.INVESTIGATOR))
        .handler(detection::rateLimit)
        .handler(json)
        .handler(detection::detect);
    route(r, HttpMethod.POST, "/v1/attribution", body)
        .handler(roles(Role.INVESTIGATOR))
        .handler(detection::rateLimit)
        .handler(json)
        .handler(detection::attribute);
    route(r, HttpMethod.POST, "/v1/radioactivity", body)
        .handler(roles(Role.INVESTIGATOR))
        .handler(detection::rateLimit)
        .handler(json)
        .handler(detection::testRadioactivity);
    // Verification uses only public keys (anyone with the JWKS can do it offline), so it is no
    // watermark oracle and not rate limited; the token is there to attribute the audit row.
    route(r, HttpMethod.POST, "/v1/provenance/verify", body)
        .handler(roles(Role.INVESTIGATOR, Role.AUDITOR))
        .handler(json)
        .handler(detection::verifyProvenance);

    // The upload is paused until the token and the job limit are checked, then streamed to disk.
    route(r, HttpMethod.POST, "/v1/scans")
        .handler(ScanRoutes::pauseUpload)
        .handler(roles(Role.INVESTIGATOR))
        .handler(scans::create);
    route(r, HttpMethod.GET, "/v1/scans/:id")
        .handler(roles(Role.INVESTIGATOR, Role.AUDITOR, Role.ADMIN))
        .handler(scanJobRoutes::get);
    route(r, HttpMethod.DELETE, "/v1/scans/:id")
        .handler(roles(Role.INVESTIGATOR, Role.AUDITOR, Role.ADMIN))
        .handler(scanJobRoutes::cancel);
    route(r, HttpMethod.GET, "/v1/scans/:id/documents")
        .handler(roles(Role.INVESTIGATOR, Role.AUDITOR, Role.ADMIN))
        .handler(scanJobRoutes::documents);

    route(r, HttpMethod.GET, "/v1/evidence/:id")
        .handler(roles(Role.INVESTIGATOR, Role.AUDITOR))
        .handler(evidence::get);
    route(r, HttpMethod.GET, "/v1/evidence/:id/report")
        .handler(roles(Role.INVESTIGATOR, Role.AUDITOR))
        .handler(evidence::report);
    // Public like the keys: sizes, hashes and signatures only.
    route(r, HttpMethod.GET, "/v1/log/tree-head").handler(evidence::treeHead);
    route(r, HttpMethod.GET, "/v1/log/proof").handler(evidence::proof);
    route(r, HttpMethod.GET, "/v1/log/consistency").handler(evidence::consistency);

    route(r, HttpMethod.GET, "/v1/audit").handler(roles(Role.AUDITOR)).handler(auditing::list);
    route(r, HttpMethod.GET, "/v1/admin/tokens").handler(roles(Role.ADMIN)).handler(admin::list);
    route(r, HttpMethod.POST, "/v1/admin/tokens", body)
        .handler(roles(Role.ADMIN))
        .handler(json)
        .handler(admin::create);
    route(r, HttpMethod.DELETE, "/v1/admin/tokens/:id")
        .handler(roles(Role.ADMIN))
        .handler(admin::revoke);

    methodNotAllowed(r);
    staticFiles(r);
    r.route().failureHandler(problems);
    r.errorHandler(404, ctx -> problems.write(ctx, ProblemHandler.notFound(ctx)));
    r.errorHandler(
        405,
        ctx ->
            problems.write(
                ctx,
                ProblemHandler.methodNotAllowed(
                    "this route does not accept " + ctx.request().method())));
    return r;
  }

  private Handler<RoutingContext> roles(Role role, Role... others) {
    return ctx -> auth.require(ctx, role, others);
  }

  private Route route(Router r, HttpMethod method, String path) {
    return route(r, method, path, null);
  }

  /**
   * A route that records its template for metrics; one with a body holds it unread until the
   * route's own checks pass and {@link JsonBodyGate} reads it.
   */
  private Route route(Router r, HttpMethod method, String path, BodyHandler body) {
    allowed.computeIfAbsent(path, p -> new LinkedHashSet<>()).add(method);
    Route route = r.route(method, path).handler(new RouteLabel(path));
    return body == null ? route : route.handler(JsonBodyGate::pause);
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
                        ProblemHandler.methodNotAllowed(
                            path + " accepts " + allow + ", not " + ctx.request().method()));
                  });
        });
  }

  /**
   * The web page. Every method reaches this route, so a path no route knows is a 404 for all of
   * them (a GET-only route would make Vert.x answer other methods with 405).
   */
  private static void staticFiles(Router r) {
    r.route("/*")
        .handler(new RouteLabel("static"))
        .handler(
            ctx -> {
              HttpMethod m = ctx.request().method();
              if (m != HttpMethod.GET && m != HttpMethod.HEAD) {
                ctx.fail(ProblemHandler.notFound(ctx));
                return;
              }
              // Scripts only from this origin. Inline styles are allowed for the finding reports
              // the page opens from blob: URLs: such a document inherits this policy, and the
              // report's styles are inline (it is one self-contained file).
              ctx.response()
                  .putHeader(
                      "Content-Security-Policy",
                      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
                          + " frame-ancestors 'none'");
              ctx.next();
            })
        .handler(StaticHandler.create("webroot").setCachingEnabled(false));
  }

  /** Counts and times every request by route template, method and status. */
  private void observe(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.response().putHeader("X-Content-Type-Options", "nosniff");
    ctx.addEndHandler(v -> connections.answered(ctx.request()));
    ctx.addEndHandler(
        v ->
            metrics.request(
                ctx.get(RouteLabel.KEY, "unmatched"),
                ctx.request().method().name(),
                ctx.response().getStatusCode(),
                System.nanoTime() - start));
    ctx.next();
  }
}

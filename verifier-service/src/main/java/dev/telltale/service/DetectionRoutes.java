package dev.telltale.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.key.KeySet;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The routes that score text: {@code POST /v1/detect}, {@code /v1/attribution} and {@code
 * /v1/radioactivity} (investigator, one per-token rate bucket: each is a watermark oracle), and
 * {@code POST /v1/provenance/verify} (public keys only, so not rate limited). Each answers the
 * object the matching CLI command prints with {@code --json} and leaves an audit row with the
 * input's digest and the result, never the text.
 */
final class DetectionRoutes {
  private final ServiceConfig config;
  private final DetectionEngine engine;
  private final AttributionCheck attribution;
  private final RadioactivityCheck radioactivity;
  private final ProvenanceCheck provenance;
  private final AuditWriter audit;
  private final EvidenceLog evidence;
  private final KeySet keys;
  private final Metrics metrics;
  private final RateLimiter limiter;
  private final Blocking blocking;
  private final RequestSchema detectSchema;
  private final RequestSchema attributionSchema;
  private final RequestSchema radioactivitySchema;
  private final RequestSchema provenanceSchema;
  private final Optional<SharedRateLimiter> sharedLimiter;
  private final FairScoring scoring;

  DetectionRoutes(
      ServiceConfig config,
      DetectionEngine engine,
      AttributionCheck attribution,
      RadioactivityCheck radioactivity,
      ProvenanceCheck provenance,
      AuditWriter audit,
      EvidenceLog evidence,
      KeySet keys,
      Metrics metrics,
      ApiDocument api,
      Blocking blocking,
      Optional<SharedRateLimiter> sharedLimiter,
      FairScoring scoring) {
    this.sharedLimiter = sharedLimiter;
    this.scoring = scoring;
    this.config = config;
    this.engine = engine;
    this.attribution = attribution;
    this.radioactivity = radioactivity;
    this.provenance = provenance;
    this.audit = audit;
    this.evidence = evidence;
    this.keys = keys;
    this.metrics = metrics;
    this.limiter = new RateLimiter(config.detectPerMinute(), config.detectBurst());
    this.blocking = blocking;
    this.detectSchema = api.schema("DetectRequest");
    this.attributionSchema = api.schema("AttributionRequest");
    this.radioactivitySchema = api.schema("RadioactivityRequest");
    this.provenanceSchema = api.schema("ProvenanceVerifyRequest");
  }

  /** Takes one unit from the token's detection bucket, or answers 429 with Retry-After. */
  void rateLimit(RoutingContext ctx) {
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    if (sharedLimiter.isPresent()) {
      // PostgreSQL: one bucket for every instance on the database.
      blocking
          .call(() -> sharedLimiter.get().acquire(t.id()))
          .onSuccess(d -> decide(ctx, d))
          .onFailure(ctx::fail);
    } else {
      decide(ctx, limiter.acquire(t.id()));
    }
  }

  private void decide(RoutingContext ctx, RateLimiter.Decision d) {
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

  void detect(RoutingContext ctx) {
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    Buffer raw = ctx.body().buffer();
    boolean withEvidence = evidenceRequested(ctx);
    audited(
        ctx,
        deadline -> {
          DetectionEngine.Request req =
              DetectionEngine.Request.fromJson(scorable(detectSchema.validated(raw)));
          req.text().ifPresent(this::checkTextLength);
          return signedIfAsked(
              withEvidence,
              t,
              "/v1/detect",
              () -> engine.detect(req, deadline),
              out -> FindingStatements.detection(keys, req, out, engine.spreadFile()),
              out -> Optional.of(out.result().best().pValue()),
              DetectionEngine.Outcome::json);
        },
        out ->
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
                Optional.of(out.result().best().log10PValue())),
        DetectionEngine.Outcome::json,
        out -> metrics.detection(out.result().verdict().label()));
  }

  void attribute(RoutingContext ctx) {
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    Buffer raw = ctx.body().buffer();
    boolean withEvidence = evidenceRequested(ctx);
    audited(
        ctx,
        deadline -> {
          AttributionCheck.Request req =
              AttributionCheck.Request.fromJson(scorable(attributionSchema.validated(raw)));
          return signedIfAsked(
              withEvidence,
              t,
              "/v1/attribution",
              () -> attribution.attribute(req, deadline),
              out ->
                  FindingStatements.attribution(
                      keys, attribution.payloadKeys(req.keyId()), req, out),
              out -> out.strongest().map(f -> f.pValue().pValue()),
              AttributionCheck.Outcome::json);
        },
        // The row keeps the digest, the strongest named account (or none), never the text.
        out ->
            new AuditLog.Entry(
                0,
                Instant.now(),
                t.id(),
                "/v1/attribution",
                out.inputSha256(),
                out.tokens(),
                Optional.of(out.keyId()),
                Optional.of(out.strongest().map(f -> "account:" + f.account()).orElse("none")),
                out.strongest().map(f -> f.pValue().pValue()),
                out.strongest().map(f -> f.pValue().log10PValue())),
        AttributionCheck.Outcome::json,
        out -> metrics.attribution(out.strongest().isPresent() ? "attributed" : "none"));
  }

  void testRadioactivity(RoutingContext ctx) {
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    Buffer raw = ctx.body().buffer();
    boolean withEvidence = evidenceRequested(ctx);
    audited(
        ctx,
        deadline -> {
          RadioactivityCheck.Request req =
              RadioactivityCheck.Request.fromJson(scorable(radioactivitySchema.validated(raw)));
          RadioactivityCheck.checkSignable(req, withEvidence);
          return signedIfAsked(
              withEvidence,
              t,
              "/v1/radioactivity",
              () -> radioactivity.test(req, deadline),
              out -> FindingStatements.radioactivity(keys, req, out),
              out -> Optional.of(out.strongest().p().pValue()),
              RadioactivityCheck.Outcome::json);
        },
        // The row keeps the body's digest, the verdict and the strongest key's p, never text.
        out ->
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
                Optional.of(out.strongest().p().log10PValue())),
        RadioactivityCheck.Outcome::json,
        out -> metrics.radioactivity(out.verdict()));
  }

  void verifyProvenance(RoutingContext ctx) {
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    Buffer raw = ctx.body().buffer();
    audited(
        ctx,
        deadline -> {
          ProvenanceCheck.Request req =
              ProvenanceCheck.Request.fromJson(provenanceSchema.validated(raw));
          checkTextLength(req.text());
          return provenance.verify(req);
        },
        // The row keeps the digest of text and token and the status, never the text.
        out ->
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
                Optional.empty()),
        ProvenanceCheck.Outcome::json,
        out -> metrics.verification(out.verification().reason().name()));
  }

  /**
   * Runs {@code work} off the event loop, queues its audit row and answers only once the row is
   * committed ({@link AuditWriter}): no answered request without its audit row.
   */
  /**
   * Runs a check and, when the request asked for evidence ({@code ?evidence=true}), signs its
   * finding into the log and adds it to the answer as {@code evidence}. A key set that cannot sign
   * is refused before the check runs.
   */
  private <O> O signedIfAsked(
      boolean asked,
      TokenStore.ApiToken t,
      String route,
      Callable<O> check,
      Function<O, EvidenceStatement> statement,
      Function<O, Optional<Double>> pValue,
      Function<O, ObjectNode> answer)
      throws Exception {
    if (!asked) {
      return check.call();
    }
    evidence.checkCanSign();
    O out = check.call();
    EvidenceLog.Issued issued =
        evidence.issue(t.id(), route, statement.apply(out), pValue.apply(out));
    answer.apply(out).set("evidence", issued.toJson());
    return out;
  }

  private <T> void audited(
      RoutingContext ctx,
      FairScoring.Work<T> work,
      Function<T, AuditLog.Entry> row,
      Function<T, JsonNode> body,
      Consumer<T> count) {
    Context context = ctx.vertx().getOrCreateContext();
    // Off the event loop even for small texts: scoring a 1k-token text inline measured faster
    // for one client but 2-3x slower at 8 concurrent clients (an event loop busy scoring cannot
    // read or write its other connections). The scoring threads are shared fairly by token.
    // The scoring thread also writes the answer's bytes and queues the audit row; the event loop
    // is back only to send the answer once the row is committed (one hand-off, not three).
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    CompletableFuture<Answer<T>> committed = new CompletableFuture<>();
    scoring
        .submit(
            t.id(),
            deadline -> {
              T out = work.run(deadline);
              return new Answer<>(out, JsonBody.bytes(body.apply(out)));
            },
            () -> ctx.response().ended())
        .onComplete(
            ar -> {
              if (ar.failed()) {
                committed.completeExceptionally(ar.cause());
                return;
              }
              try {
                audit
                    .append(row.apply(ar.result().out()))
                    .whenComplete(
                        (v, e) -> {
                          if (e != null) {
                            committed.completeExceptionally(e);
                          } else {
                            committed.complete(ar.result());
                          }
                        });
              } catch (RuntimeException e) {
                committed.completeExceptionally(e);
              }
            });
    Future.fromCompletionStage(committed, context)
        .onSuccess(
            a -> {
              count.accept(a.out());
              JsonBody.write(ctx, 200, a.json());
            })
        .onFailure(ctx::fail);
  }

  /** A check's outcome and its answer's JSON bytes, written on the scoring thread. */
  private record Answer<T>(T out, byte[] json) {}

  /** {@code ?evidence=true|false}; anything else is a 400. */
  private static boolean evidenceRequested(RoutingContext ctx) {
    String v = ctx.queryParams().get("evidence");
    if (v == null || v.equals("false")) {
      return false;
    }
    if (v.equals("true")) {
      return true;
    }
    throw ProblemException.badRequest("bad-parameter", "evidence must be true or false");
  }

  /** The cheap checks before tokenising ({@link TextChecks}): key id form, surrogates, runs. */
  private com.fasterxml.jackson.databind.JsonNode scorable(
      com.fasterxml.jackson.databind.JsonNode n) {
    TextChecks.forScoring(n, config.limits().maxRunChars());
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
}

package dev.telltale.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.key.KeySet;
import dev.telltale.text.Tokenizers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code POST /v1/scans}: streams an upload to {@code data/scans/ID/} (never held in memory,
 * bounded by {@code limits.upload_bytes}) or names a server-side file inside a folder of {@code
 * scans.allowed_paths}, and queues the job within the token's job limit; {@link ScanJobs} runs it
 * and {@link ScanJobRoutes} shows, lists and cancels it.
 */
final class ScanRoutes {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Vertx vertx;
  private final ServiceConfig config;
  private final JobStore jobs;
  private final KeySet keys;
  private final EvidenceLog evidence;
  private final Blocking blocking;
  private final RequestSchema pathSchema;
  private final ServiceTokenizers tokenizers;

  /** Requests of each token whose upload is being received on this instance. */
  private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> receiving =
      new java.util.concurrent.ConcurrentHashMap<>();

  ScanRoutes(
      Vertx vertx,
      ServiceConfig config,
      JobStore jobs,
      KeySet keys,
      EvidenceLog evidence,
      Blocking blocking,
      RequestSchema pathSchema) {
    this(vertx, config, jobs, keys, evidence, blocking, pathSchema, ServiceTokenizers.builtIn());
  }

  /** With the configured tokenizer files ({@code tokenizers.files}) a scan may name. */
  ScanRoutes(
      Vertx vertx,
      ServiceConfig config,
      JobStore jobs,
      KeySet keys,
      EvidenceLog evidence,
      Blocking blocking,
      RequestSchema pathSchema,
      ServiceTokenizers tokenizers) {
    this.tokenizers = tokenizers;
    this.vertx = vertx;
    this.config = config;
    this.jobs = jobs;
    this.keys = keys;
    this.evidence = evidence;
    this.blocking = blocking;
    this.pathSchema = pathSchema;
  }

  private <T> Future<T> blocking(RoutingContext ctx, Callable<T> work) {
    return blocking.run(ctx, work);
  }

  /**
   * Pauses the upload until the token and the job limit are checked. A refusal (401, 403, 413, 429
   * ...) then drains the unread body, discarding it, so the client, still sending, reads the answer
   * instead of a reset connection.
   */
  static void pauseUpload(RoutingContext ctx) {
    ctx.request().pause();
    ctx.addHeadersEndHandler(
        v -> {
          if (!ctx.request().isEnded()) {
            ctx.request().handler(b -> {});
            ctx.request().endHandler(e -> {});
            ctx.request().resume();
          }
        });
    ctx.next();
  }

  /** {@code POST /v1/scans}: the request is paused until the token and limits are checked. */
  void create(RoutingContext ctx) {
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    String type =
        Optional.ofNullable(ctx.request().getHeader("Content-Type"))
            .map(s -> s.split(";")[0].trim().toLowerCase(Locale.ROOT))
            .orElse("");
    String suffix;
    switch (type) {
      case "application/json" -> suffix = null;
      case "application/x-ndjson", "application/jsonl", "application/jsonlines" -> suffix = "jsonl";
      case "text/plain" -> suffix = "txt";
      default -> {
        ctx.fail(
            new ProblemException(
                415,
                "unsupported-media-type",
                "Unsupported media type",
                "send a JSONL corpus as application/x-ndjson, one text as text/plain, or"
                    + " {\"path\": ...} as application/json"));
        return;
      }
    }
    long limit = suffix == null ? config.maxBodyBytes() : config.maxUploadBytes();
    String length = ctx.request().getHeader("Content-Length");
    if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > limit) {
      ctx.fail(tooLarge(limit));
      return;
    }
    Params p;
    try {
      p =
          params(
              ctx.queryParam("field"),
              ctx.queryParam("fdr"),
              ctx.queryParam("key_id"),
              evidenceRequested(ctx.queryParam("evidence")),
              ctx.queryParam("tokenizer"));
    } catch (ProblemException e) {
      ctx.fail(e);
      return;
    }
    // Uploads being received count against the token's job limit before any byte is read, so
    // parallel uploads cannot all pass the check and stream to disk.
    java.util.concurrent.atomic.AtomicInteger mine =
        receiving.computeIfAbsent(t.id(), k -> new java.util.concurrent.atomic.AtomicInteger());
    int others = mine.getAndIncrement();
    ctx.addEndHandler(
        v -> {
          if (mine.decrementAndGet() == 0) {
            receiving.remove(t.id(), mine);
          }
        });
    blocking(ctx, () -> checkConcurrency(t, others))
        .onSuccess(
            ok -> {
              if (suffix == null) {
                collect(ctx, limit).onSuccess(body -> createFromPath(ctx, t, body, p));
              } else {
                upload(ctx, t, suffix, limit, p);
              }
            });
  }

  private record Params(
      String field, double fdr, Optional<String> keyId, boolean evidence, String tokenizer) {}

  /** {@code ?evidence=true|false}; anything else is a 400. */
  private static boolean evidenceRequested(java.util.List<String> v) {
    if (v.isEmpty() || v.get(0).equals("false")) {
      return false;
    }
    if (v.get(0).equals("true")) {
      return true;
    }
    throw ProblemException.badRequest("bad-parameter", "evidence must be true or false");
  }

  private Params params(
      java.util.List<String> field,
      java.util.List<String> fdr,
      java.util.List<String> keyId,
      boolean withEvidence,
      java.util.List<String> tokenizer) {
    if (withEvidence) {
      // Refused before the upload is read, not when the job ends.
      evidence.checkCanSign();
    }
    String f = field.isEmpty() ? "text" : field.get(0);
    if (f.isEmpty() || f.length() > 200) {
      throw ProblemException.badRequest("bad-parameter", "field must be 1..200 characters");
    }
    double q = 0.01;
    if (!fdr.isEmpty()) {
      try {
        q = Double.parseDouble(fdr.get(0));
      } catch (NumberFormatException e) {
        q = Double.NaN;
      }
      if (!(q > 0 && q < 1)) {
        throw ProblemException.badRequest("bad-parameter", "fdr must be a number in (0, 1)");
      }
    }
    Optional<String> k = keyId.isEmpty() ? Optional.empty() : Optional.of(keyId.get(0));
    if (ScanJobs.keysFor(keys, k).isEmpty()) {
      throw ProblemException.badRequest("unknown-key", "the service has no key with this id");
    }
    // A built-in or configured name, never a path: refused (400 unknown-tokenizer) before the
    // upload is read.
    String tok = tokenizer.isEmpty() ? Tokenizers.CL100K_BASE : tokenizer.get(0);
    tokenizers.get(tok);
    return new Params(f, q, k, withEvidence, tok);
  }

  /**
   * Refuses early, before an upload is read, when the token's job slots are full. Only a courtesy:
   * concurrent requests can all pass it, so {@link #createJob} checks again atomically.
   */
  private boolean checkConcurrency(TokenStore.ApiToken t, int receiving) {
    if (jobs.active(t.id()) + receiving >= config.scanConcurrentPerToken()) {
      throw tooManyJobs();
    }
    return true;
  }

  /** Queues the job if the token still has a free slot (counted and inserted atomically). */
  private void createJob(String id, TokenStore.ApiToken t, Path file, String digest, Params p) {
    if (!jobs.createWithinLimit(
        id,
        ScanJobs.KIND,
        t.id(),
        file.toString(),
        digest,
        jobParams(p),
        config.scanConcurrentPerToken())) {
      throw tooManyJobs();
    }
  }

  private ProblemException tooManyJobs() {
    return new ProblemException(
        429,
        "too-many-jobs",
        "Too many requests",
        "this token already has "
            + config.scanConcurrentPerToken()
            + " queued or running scans; wait for one to end or cancel it");
  }

  private static ProblemException tooLarge(long limit) {
    return new ProblemException(
        413, "upload-too-large", "Content too large", "the limit is " + limit + " bytes");
  }

  /** A small JSON body, read with a bound. */
  private Future<Buffer> collect(RoutingContext ctx, long limit) {
    HttpServerRequest req = ctx.request();
    Buffer body = Buffer.buffer();
    io.vertx.core.Promise<Buffer> done = io.vertx.core.Promise.promise();
    req.handler(
        b -> {
          if (body.length() + b.length() > limit) {
            req.handler(null);
            done.tryFail(tooLarge(limit));
          } else {
            body.appendBuffer(b);
          }
        });
    req.exceptionHandler(done::tryFail);
    req.endHandler(v -> done.tryComplete(body));
    req.resume();
    return done.future().onFailure(ctx::fail);
  }

  /** Streams the body to disk with back-pressure, hashing it on the way. */
  private void upload(
      RoutingContext ctx, TokenStore.ApiToken t, String suffix, long limit, Params p) {
    String id = UUID.randomUUID().toString();
    Path dir = ScanJobs.jobDir(config, id);
    Path file = dir.resolve("corpus." + suffix);
    HttpServerRequest req = ctx.request();
    MessageDigest sha = sha256();
    long[] size = {0};
    boolean[] failed = {false};
    boolean[] done = {false};
    AsyncFile[] open = {null};
    // However the request ends without its job (refused, timed out, the client gone), the partial
    // upload goes with it.
    ctx.addEndHandler(
        v -> {
          if (!done[0]) {
            failed[0] = true;
            if (open[0] != null) {
              open[0].close();
            }
            blocking.call(
                () -> {
                  ScanRoutes.deleteQuietly(dir);
                  return null;
                });
          }
        });
    blocking(
            ctx,
            () -> {
              ScanFiles.createOwnerOnly(dir);
              return null;
            })
        .compose(
            v ->
                vertx
                    .fileSystem()
                    .open(file.toString(), new OpenOptions().setWrite(true).setPerms("rw-------")))
        .onFailure(ctx::fail)
        .onSuccess(
            (AsyncFile f) -> {
              if (failed[0]) {
                f.close();
                return;
              }
              open[0] = f;
              req.handler(
                  b -> {
                    if (failed[0]) {
                      return;
                    }
                    size[0] += b.length();
                    if (size[0] > limit) {
                      failed[0] = true;
                      f.close().onComplete(x -> deleteQuietly(dir));
                      ctx.fail(tooLarge(limit));
                      return;
                    }
                    sha.update(b.getBytes());
                    f.write(b);
                    if (f.writeQueueFull()) {
                      req.pause();
                      f.drainHandler(x -> req.resume());
                    }
                  });
              req.exceptionHandler(
                  e -> {
                    failed[0] = true;
                    f.close().onComplete(x -> deleteQuietly(dir));
                  });
              req.endHandler(
                  v -> {
                    if (failed[0]) {
                      return;
                    }
                    String digest = HexFormat.of().formatHex(sha.digest());
                    f.close()
                        .compose(
                            x ->
                                blocking(
                                    ctx,
                                    () -> {
                                      createJob(id, t, file, digest, p);
                                      done[0] = true;
                                      return id;
                                    }))
                        .onFailure(x -> deleteQuietly(dir))
                        .onSuccess(x -> accepted(ctx, id, digest, size[0]));
                  });
              req.resume();
            });
  }

  private void createFromPath(RoutingContext ctx, TokenStore.ApiToken t, Buffer raw, Params q) {
    blocking(
            ctx,
            () -> {
              JsonNode n = JsonBody.parse(raw);
              pathSchema
                  .violation(n)
                  .ifPresent(
                      v -> {
                        throw ProblemException.badRequest("schema-violation", v);
                      });
              Params p =
                  params(
                      java.util.List.of(n.has("field") ? n.get("field").asText() : q.field()),
                      java.util.List.of(
                          n.has("fdr") ? n.get("fdr").asText() : Double.toString(q.fdr())),
                      n.has("key_id")
                          ? java.util.List.of(n.get("key_id").asText())
                          : q.keyId().map(java.util.List::of).orElse(java.util.List.of()),
                      n.has("evidence") ? n.get("evidence").asBoolean() : q.evidence(),
                      java.util.List.of(
                          n.has("tokenizer") ? n.get("tokenizer").asText() : q.tokenizer()));
              Path file = AllowedPaths.resolve(config.scanRoots(), n.get("path").asText());
              String digest = AllowedPaths.sha256(file);
              String id = UUID.randomUUID().toString();
              createJob(id, t, file, digest, p);
              return new String[] {id, digest, Long.toString(Files.size(file))};
            })
        .onSuccess(r -> accepted(ctx, r[0], r[1], Long.parseLong(r[2])));
  }

  private static String jobParams(Params p) {
    return new ScanJobs.Params(p.field(), p.fdr(), p.keyId(), p.evidence(), p.tokenizer()).toJson();
  }

  private void accepted(RoutingContext ctx, String id, String digest, long bytes) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("id", id);
    o.put("state", "queued");
    o.put("input_sha256", digest);
    o.put("input_bytes", bytes);
    o.put("location", "/v1/scans/" + id);
    ctx.response().putHeader("Location", "/v1/scans/" + id);
    JsonBody.write(ctx, 202, o);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // Leftover upload folders hold no job and are harmless.
    }
  }
}

package dev.telltale.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The routes of an existing scan job: {@code GET /v1/scans/{id}} (state, progress, checkpoint and
 * result), {@code GET /v1/scans/{id}/documents} and {@code DELETE /v1/scans/{id}}. A job is visible
 * to the token that created it and to auditors and admins; to any other token it does not exist
 * (404), so ids cannot be probed. {@link ScanRoutes} creates jobs.
 */
final class ScanJobRoutes {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ServiceConfig config;
  private final JobStore jobs;
  private final Blocking blocking;

  ScanJobRoutes(ServiceConfig config, JobStore jobs, Blocking blocking) {
    this.config = config;
    this.jobs = jobs;
    this.blocking = blocking;
  }

  private <T> Future<T> blocking(RoutingContext ctx, Callable<T> work) {
    return blocking.run(ctx, work);
  }

  /** The job if this token may see it; a 404 problem otherwise (its existence is not revealed). */
  private JobStore.ScanRow visible(RoutingContext ctx, String id) {
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    Optional<JobStore.ScanRow> row = id.length() == 36 ? jobs.scan(id) : Optional.empty();
    if (row.isEmpty()
        || (t.role() == Role.INVESTIGATOR && !row.get().ownerTokenId().equals(t.id()))) {
      throw ProblemException.notFound("unknown-scan", "no scan with this id");
    }
    return row.get();
  }

  static String publicState(String stored) {
    return "succeeded".equals(stored) ? "done" : stored;
  }

  void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking(ctx, () -> visible(ctx, id))
        .onSuccess(
            row -> {
              ObjectNode o = MAPPER.createObjectNode();
              o.put("id", row.id());
              o.put("state", publicState(row.state()));
              o.put("input_sha256", row.inputSha256().orElse(""));
              o.put("tokenizer", ScanJobs.Params.fromJson(row.params()).tokenizer());
              ObjectNode prog = o.putObject("progress");
              prog.put("documents", row.documentsDone());
              prog.put("bytes", row.bytesDone());
              if (row.cancelRequested() && "running".equals(row.state())) {
                o.put("cancel_requested", true);
              }
              row.checkpoint()
                  .ifPresent(
                      c -> {
                        try {
                          o.set("checkpoint", MAPPER.readTree(c));
                        } catch (IOException e) {
                          // A checkpoint row is written by this service; never unreadable.
                        }
                      });
              row.error().ifPresent(e -> o.put("error", e));
              if (row.result().isPresent()) {
                try {
                  o.set("result", MAPPER.readTree(row.result().get()));
                } catch (IOException e) {
                  ctx.fail(e);
                  return;
                }
                o.put("documents", "/v1/scans/" + id + "/documents");
              }
              row.evidenceId()
                  .ifPresent(
                      e -> {
                        ObjectNode ev = o.putObject("evidence");
                        ev.put("id", e);
                        ev.put("location", "/v1/evidence/" + e);
                        ev.put("report", "/v1/evidence/" + e + "/report");
                      });
              JsonBody.write(ctx, 200, o);
            });
  }

  void documents(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking(ctx, () -> visible(ctx, id))
        .onSuccess(
            row -> {
              if (!"succeeded".equals(row.state())) {
                ctx.fail(
                    new ProblemException(
                        409, "scan-not-done", "Conflict", "the scan is " + row.state()));
                return;
              }
              Path f = ScanJobs.jobDir(config, id).resolve("work").resolve("documents.jsonl");
              ctx.response().putHeader("Content-Type", "application/x-ndjson");
              ctx.response().putHeader("Cache-Control", "no-store");
              ctx.response().sendFile(f.toString()).onFailure(ctx::fail);
            });
  }

  void cancel(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    blocking(
            ctx,
            () -> {
              JobStore.ScanRow row = visible(ctx, id);
              if (t.role() == Role.AUDITOR) {
                throw new ProblemException(
                    403, "forbidden", "Forbidden", "auditors may read scans, not cancel them");
              }
              if (!jobs.cancel(id)) {
                throw new ProblemException(
                    409, "scan-ended", "Conflict", "the scan is " + publicState(row.state()));
              }
              return jobs.scan(id).orElseThrow();
            })
        .onSuccess(
            row -> {
              ObjectNode o = MAPPER.createObjectNode();
              o.put("id", row.id());
              o.put("state", publicState(row.state()));
              o.put("cancel_requested", true);
              JsonBody.write(ctx, 202, o);
            });
  }
}

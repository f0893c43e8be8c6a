package dev.telltale.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.Envelope;
import dev.telltale.evidence.EnvelopeReader;
import dev.telltale.evidence.EnvelopeVerifier;
import dev.telltale.evidence.EvidenceFormatException;
import dev.telltale.evidence.EvidenceVerification;
import dev.telltale.evidence.log.LogProof;
import dev.telltale.evidence.report.Report;
import dev.telltale.evidence.report.ReportInput;
import dev.telltale.evidence.report.ReverifyFiles;
import dev.telltale.evidence.report.SignatureStatus;
import dev.telltale.key.KeySet;
import dev.telltale.provenance.PublicKeySet;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Optional;

/**
 * Evidence and the transparency log. {@code GET /v1/evidence/{id}} (investigators their own,
 * auditors all) answers the stored envelope with its inclusion proof under the newest signed tree
 * head. The log routes are public, like the keys: a tree head, an inclusion or a consistency proof
 * holds only sizes, hashes and signatures, and anyone holding an envelope must be able to check it
 * without an account. {@code /v1/log/proof} answers the file {@code telltale evidence verify
 * --proof} reads and {@code /v1/log/consistency} the one {@code telltale log consistency --check}
 * reads. {@code GET /v1/evidence/{id}/report} renders the finding as core's self-contained HTML
 * report, its signature checked against the service's own public keys.
 */
final class EvidenceRoutes {
  /**
   * The report loads nothing: no script, font, image or style sheet from anywhere. Its styles are
   * inline (a style element and, in Gumbel heat-maps, style attributes), images only data: URLs.
   */
  static final String REPORT_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none';"
          + " form-action 'none'; frame-ancestors 'self'";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final EvidenceLog log;
  private final PublicKeySet publicKeys;
  private final Blocking blocking;

  EvidenceRoutes(EvidenceLog log, KeySet keys, Blocking blocking) {
    this.log = log;
    this.publicKeys = keys.signingKeys().isEmpty() ? PublicKeySet.empty() : PublicKeySet.from(keys);
    this.blocking = blocking;
  }

  /** The finding if this token may read it; a 404 problem otherwise (existence not revealed). */
  private EvidenceLog.Stored visible(RoutingContext ctx, String id) {
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    Optional<EvidenceLog.Stored> s = id.length() == 36 ? log.find(id) : Optional.empty();
    if (s.isEmpty() || (t.role() == Role.INVESTIGATOR && !t.id().equals(s.get().ownerTokenId()))) {
      throw ProblemException.notFound("unknown-evidence", "no evidence with this id");
    }
    return s.get();
  }

  void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking
        .run(
            ctx,
            () -> {
              EvidenceLog.Stored s = visible(ctx, id);
              LogProof proof = log.proof(s.logIndex(), Optional.empty());
              ObjectNode o = JsonNodeFactory.instance.objectNode();
              o.put("id", s.id());
              o.put("route", s.route());
              o.put("created", s.created().toString());
              o.put("log_index", s.logIndex());
              o.set("envelope", s.envelope());
              o.set("proof", proof.toJson());
              return o;
            })
        .onSuccess(o -> JsonBody.write(ctx, 200, o));
  }

  /**
   * {@code GET /v1/evidence/{id}/report}: the stored envelope as the HTML report {@code telltale
   * report ENVELOPE --public KEYS} writes, naming the files a reader fetches to re-verify it.
   */
  void report(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking
        .run(ctx, () -> Report.render(reportInput(visible(ctx, id))))
        .onSuccess(
            html ->
                ctx.response()
                    .setStatusCode(200)
                    .putHeader("Content-Type", "text/html; charset=utf-8")
                    .putHeader("Content-Security-Policy", REPORT_POLICY)
                    .putHeader("Cache-Control", "no-store")
                    .end(html));
  }

  private ReportInput reportInput(EvidenceLog.Stored s) throws IOException {
    Envelope env;
    ReportInput in;
    String envelopeFile = "finding-" + s.id() + ".dsse.json";
    try {
      env = EnvelopeReader.parse(MAPPER.writeValueAsBytes(s.envelope()));
      EvidenceVerification v = EnvelopeVerifier.of(publicKeys).verify(env);
      SignatureStatus sig =
          v.isValid()
              ? SignatureStatus.valid(v.keyId().orElse("?"))
              : new SignatureStatus(v.reason().name(), v.detail());
      in = ReportInput.ofStatement(EnvelopeReader.statement(env), sig, envelopeFile);
    } catch (EvidenceFormatException e) {
      // The service wrote and signed this envelope itself; unreadable means a damaged row.
      throw new StorageException("stored evidence " + s.id() + " is unreadable", e);
    }
    String proofFile = "finding-" + s.id() + ".proof.json";
    return in.withReverifyFiles(
        new ReverifyFiles(
            envelopeFile,
            "telltale-keys.json",
            Optional.of(proofFile),
            "This finding was issued by a Telltale verifier service. Save the envelope and proof"
                + " members of GET /v1/evidence/"
                + s.id()
                + " as "
                + envelopeFile
                + " and "
                + proofFile
                + ", the service's public keys (GET /.well-known/telltale-keys, no account"
                + " needed) as telltale-keys.json, and each tested input as a file named after"
                + " its subject."));
  }

  void treeHead(RoutingContext ctx) {
    blocking
        .run(
            ctx,
            () ->
                log.treeHead()
                    .orElseThrow(
                        () -> ProblemException.notFound("empty-log", "the log has no entries yet")))
        .onSuccess(h -> JsonBody.write(ctx, 200, h.toJson()));
  }

  void proof(RoutingContext ctx) {
    long index = required(QueryParams.bounded(ctx, "index", 0, Long.MAX_VALUE - 1), "index");
    Optional<Long> size = QueryParams.bounded(ctx, "size", 1, Long.MAX_VALUE);
    blocking
        .run(ctx, () -> log.proof(index, size))
        .onSuccess(p -> JsonBody.write(ctx, 200, p.toJson()));
  }

  void consistency(RoutingContext ctx) {
    long first = required(QueryParams.bounded(ctx, "first", 1, Long.MAX_VALUE), "first");
    Optional<Long> second = QueryParams.bounded(ctx, "second", 1, Long.MAX_VALUE);
    blocking
        .run(ctx, () -> log.consistency(first, second))
        .onSuccess(n -> JsonBody.write(ctx, 200, n));
  }

  private static long required(Optional<Long> v, String name) {
    return v.orElseThrow(
        () ->
            ProblemException.badRequest(
                "bad-parameter", "the query parameter " + name + " is required"));
  }
}

package dev.telltale.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.LogProof;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Evidence and the transparency log. {@code GET /v1/evidence/{id}} (investigators their own,
 * auditors all) answers the stored envelope with its inclusion proof under the newest signed tree
 * head. The log routes are public, like the keys: a tree head, an inclusion or a consistency proof
 * holds only sizes, hashes and signatures, and anyone holding an envelope must be able to check it
 * without an account. {@code /v1/log/proof} answers the file {@code telltale evidence verify
 * --proof} reads and {@code /v1/log/consistency} the one {@code telltale log consistency --check}
 * reads.
 */
final class EvidenceRoutes {
  private final EvidenceLog log;
  private final Blocking blocking;

  EvidenceRoutes(EvidenceLog log, Blocking blocking) {
    this.log = log;
    this.blocking = blocking;
  }

  void get(RoutingContext ctx) {
    TokenStore.ApiToken t = ctx.get(Auth.TOKEN);
    String id = ctx.pathParam("id");
    blocking
        .run(
            ctx,
            () -> {
              Optional<EvidenceLog.Stored> s = id.length() == 36 ? log.find(id) : Optional.empty();
              if (s.isEmpty()
                  || (t.role() == Role.INVESTIGATOR && !t.id().equals(s.get().ownerTokenId()))) {
                throw ProblemException.notFound("unknown-evidence", "no evidence with this id");
              }
              LogProof proof = log.proof(s.get().logIndex(), Optional.empty());
              ObjectNode o = JsonNodeFactory.instance.objectNode();
              o.put("id", s.get().id());
              o.put("route", s.get().route());
              o.put("created", s.get().created().toString());
              o.put("log_index", s.get().logIndex());
              o.set("envelope", s.get().envelope());
              o.set("proof", proof.toJson());
              return o;
            })
        .onSuccess(o -> JsonBody.write(ctx, 200, o));
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

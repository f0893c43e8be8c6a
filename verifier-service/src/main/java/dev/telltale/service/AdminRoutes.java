package dev.telltale.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * The admin routes under {@code /v1/admin/tokens}: list, create (the bearer string is answered
 * once, only its hash is stored) and revoke API tokens. Revocation clears this instance's auth
 * cache at once.
 */
final class AdminRoutes {
  private final TokenStore tokens;
  private final Auth auth;
  private final RequestSchema createSchema;
  private final Blocking blocking;

  AdminRoutes(TokenStore tokens, Auth auth, RequestSchema createSchema, Blocking blocking) {
    this.tokens = tokens;
    this.auth = auth;
    this.createSchema = createSchema;
    this.blocking = blocking;
  }

  void list(RoutingContext ctx) {
    blocking
        .run(ctx, tokens::list)
        .onSuccess(
            list -> {
              ObjectNode o = JsonNodeFactory.instance.objectNode();
              ArrayNode arr = o.putArray("tokens");
              list.forEach(t -> arr.add(tokenJson(t)));
              JsonBody.write(ctx, 200, o);
            });
  }

  void create(RoutingContext ctx) {
    Buffer raw = ctx.body().buffer();
    blocking
        .run(
            ctx,
            () -> {
              JsonNode n = createSchema.validated(raw);
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

  void revoke(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    blocking
        .run(ctx, () -> tokens.revoke(id))
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

  private static ObjectNode tokenJson(TokenStore.ApiToken t) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", t.id());
    o.put("role", t.role().label());
    o.put("label", t.label());
    o.put("created", t.created().toString());
    t.revoked().ifPresent(r -> o.put("revoked", r.toString()));
    return o;
  }
}

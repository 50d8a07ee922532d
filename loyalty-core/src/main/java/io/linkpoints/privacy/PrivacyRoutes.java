package io.linkpoints.privacy;

import io.linkpoints.auth.Principal;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/** HTTP for the member's data rights: the member comes from the token, never from the request. */
public final class PrivacyRoutes implements ApiRoutes {
  private final Consents consents;
  private final AccountClosure closure;
  private final MemberDataExport export;

  public PrivacyRoutes(Pool pool, Ledger ledger, Clock clock) {
    this.consents = new Consents(pool, clock);
    this.closure = new AccountClosure(ledger, clock);
    this.export = new MemberDataExport(pool);
  }

  @Override
  public void mount(RouterBuilder b) {
    ApiRoutes.on(b, "getMyConsents", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      return consents.history(me.allianceId(), me.subjectId()).map(PrivacyRoutes::consents);
    }));
    ApiRoutes.on(b, "putMyConsent", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      JsonObject body = JsonHandlers.body(ctx);
      return consents.choose(me.allianceId(), me.subjectId(), body.getString("purpose"),
          body.getBoolean("granted"), body.getString("textVersion")).map(PrivacyRoutes::consents);
    }));
    // Everything held about the member, streamed (a failure mid-way resets the response: a cut file, never a whole-looking one).
    ApiRoutes.on(b, "getMyData", ctx -> exportData(ctx, false));
    ApiRoutes.on(b, "getMyDataPage", ctx -> exportData(ctx, true));
    // The body's confirm: true is the contract's (anything else is refused before this runs).
    ApiRoutes.on(b, "closeMyAccount", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      return closure.close(me.allianceId(), me.subjectId()).map(c -> new JsonObject().put("status", "closed")
          .put("closedAt", c.closedAt().toString()).put("forfeitedPoints", c.forfeitedPoints()));
    }));
  }

  private void exportData(RoutingContext ctx, boolean html) {
    try {
      Principal me = Principal.of(ctx);
      boolean english = "en".equals(ctx.queryParams().get("lang"));
      export.stream(ctx.response(), me.allianceId(), me.subjectId(), html, english).onFailure(e -> {
        if (ctx.response().headWritten()) {
          ctx.response().reset();
        } else {
          ctx.fail(e);
        }
      });
    } catch (RuntimeException e) {
      ctx.fail(e);
    }
  }

  /** The current choice per purpose (not consented until chosen) and the whole history. */
  static JsonObject consents(Consents.History h) {
    JsonArray current = new JsonArray();
    for (String purpose : Consents.PURPOSES.stream().sorted().toList()) {
      Consents.Change c = h.current(purpose);
      JsonObject o = new JsonObject().put("purpose", purpose).put("granted", c != null && c.granted())
          .put("currentTextVersion", Consents.TEXT_VERSION);
      if (c != null) {
        o.put("textVersion", c.textVersion()).put("recordedAt", c.recordedAt().toString());
      }
      current.add(o);
    }
    JsonArray history = new JsonArray();
    for (Consents.Change c : h.changes()) {
      history.add(change(c));
    }
    return new JsonObject().put("consents", current).put("history", history);
  }

  static JsonObject change(Consents.Change c) {
    return new JsonObject().put("id", c.id()).put("purpose", c.purpose()).put("granted", c.granted())
        .put("textVersion", c.textVersion()).put("recordedAt", c.recordedAt().toString());
  }
}

package io.linkpoints.qr;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.auth.Principal;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.Json;
import io.linkpoints.web.Platform;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;

/**
 * HTTP for QR codes: a member's fresh code (JSON, PNG or SVG), the public keys, claiming a shop
 * code, and reading the QR code in a photo the member took.
 */
public final class MemberCodeRoutes implements ApiRoutes {
  private static final String HANDLE = "select handle from member where alliance_id = $1 and id = $2";

  private final Pool pool;
  private final Clock clock;
  private final MemberCodes codes;
  private final ShopClaimCodes claims;

  public MemberCodeRoutes(Platform p) {
    this.pool = p.pool();
    this.clock = p.clock();
    this.codes = new MemberCodes(p.codeKeys(), p.clock());
    this.claims = new ShopClaimCodes(p.pool(), p.ledger(), p.clock());
  }

  @Override
  public void mount(RouterBuilder b) {
    on(b, "getMemberCode", this::memberCode);
    on(b, "getMemberCodeKeys", Json.reply(200, ctx -> io.vertx.core.Future.succeededFuture(codes.publicKeys())));
    on(b, "claimShopCode", Json.reply(200, ctx -> claims.claim(Principal.of(ctx), Json.body(ctx).getString("code"))));
    on(b, "scanQrImage", Json.reply(200, ctx -> {
      byte[] image = base64(Json.body(ctx).getString("image"));
      return ctx.vertx().executeBlocking(() -> new JsonObject().put("text", QrScan.decode(image)));
    }));
  }

  /** The photo's bytes, from base64 with or without a data: URL prefix. */
  private static byte[] base64(String text) {
    String data = text == null ? "" : text.startsWith("data:") ? text.substring(text.indexOf(',') + 1) : text;
    try {
      return java.util.Base64.getMimeDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw new ApiException(422, "image_unreadable", "the image is not base64");
    }
  }

  /** A fresh code for the signed-in member; the id comes from the token, never from the request. */
  private void memberCode(RoutingContext ctx) {
    Principal member = Principal.of(ctx);
    String format = ctx.queryParams().get("format") == null ? "text" : ctx.queryParams().get("format");
    pool.preparedQuery(HANDLE).execute(Tuple.of(member.allianceId(), member.subjectId())).compose(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("member");
      }
      String handle = rows.iterator().next().getString("handle");
      ctx.response().putHeader("Cache-Control", "no-store");
      return switch (format) {
        case "png" -> ctx.vertx().executeBlocking(() -> {
          MemberCodes.Issued issued = scannable(handle);
          return new Rendered("image/png", Buffer.buffer(QrRender.png(issued.code())), issued);
        });
        case "svg" -> ctx.vertx().executeBlocking(() -> {
          MemberCodes.Issued issued = scannable(handle);
          return new Rendered("image/svg+xml", Buffer.buffer(QrRender.svg(issued.code())), issued);
        });
        default -> {
          MemberCodes.Issued issued = codes.issue(handle);
          yield io.vertx.core.Future.succeededFuture(new Rendered("application/json", Buffer.buffer(new JsonObject()
              .put("code", issued.code()).put("expiresAt", issued.expiresAt().toString())
              .put("expiresIn", Math.max(0, issued.expiresAt().getEpochSecond() - clock.instant().getEpochSecond()))
              .encode()), issued));
        }
      };
    }).onSuccess(r -> ctx.response().putHeader("Content-Type", r.type())
        .putHeader("X-Code-Expires-At", r.issued().expiresAt().toString()).end(r.body())).onFailure(ctx::fail);
  }

  /** A code whose picture a camera-style reader reads back; a fresh jti makes another picture. Blocking (CPU). */
  private MemberCodes.Issued scannable(String handle) {
    MemberCodes.Issued issued = codes.issue(handle);
    for (int tries = 1; tries < 5 && !QrRender.readsBack(issued.code()); tries++) {
      issued = codes.issue(handle);
    }
    return issued;
  }

  private record Rendered(String type, Buffer body, MemberCodes.Issued issued) {
  }
}

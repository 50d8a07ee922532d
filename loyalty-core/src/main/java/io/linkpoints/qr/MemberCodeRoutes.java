package io.linkpoints.qr;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.auth.Principal;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/**
 * HTTP for QR codes: a member's current LP2 code computed by the server for one of their devices
 * (JSON, digits, PNG or SVG; the wallet computes the same codes itself, offline), claiming a shop
 * code, and reading the QR code in a photo the member took.
 */
public final class MemberCodeRoutes implements ApiRoutes {
  private final MemberCodes codes;
  private final ShopClaimCodes claims;

  /** {@code codes} and {@code claims} are built once and shared by every server instance. */
  public MemberCodeRoutes(MemberCodes codes, ShopClaimCodes claims) {
    this.codes = codes;
    this.claims = claims;
  }

  @Override
  public void mount(RouterBuilder b) {
    on(b, "getMemberCode", this::memberCode);
    on(b, "claimShopCode", JsonHandlers.reply(200, ctx -> {
      Principal member = Principal.of(ctx);
      return claims.claim(member.allianceId(), member.subjectId(), JsonHandlers.body(ctx).getString("code"))
          .map(CodeJson::collected);
    }));
    on(b, "scanQrImage", JsonHandlers.reply(200, ctx -> {
      byte[] image = base64(JsonHandlers.body(ctx).getString("image"));
      return ctx.vertx().executeBlocking(() -> CodeJson.scanned(QrScan.decode(image)));
    }));
  }

  /** The photo's bytes, from base64 with or without a data: URL prefix. */
  private static byte[] base64(String text) {
    String data = text == null ? "" : text.startsWith("data:") ? text.substring(text.indexOf(',') + 1) : text;
    try {
      return java.util.Base64.getMimeDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw ProblemCode.IMAGE_UNREADABLE.refuse("the image is not base64");
    }
  }

  /**
   * The signed-in member's code now, for {@code deviceId} or their newest active device, in the
   * format asked. The member comes from the token, never from the request.
   */
  private void memberCode(RoutingContext ctx) {
    Principal member = Principal.of(ctx);
    String format = ctx.queryParams().get("format") == null ? "json" : ctx.queryParams().get("format");
    Long deviceId = ctx.queryParams().get("deviceId") == null ? null : Params.positiveLong(ctx, "deviceId");
    codes.current(member.allianceId(), member.subjectId(), deviceId).compose(code -> render(ctx, format, code))
        .onSuccess(r -> ctx.response().putHeader("Content-Type", r.type()).putHeader("Cache-Control", "no-store")
            .end(r.body())).onFailure(ctx::fail);
  }

  private static Future<Rendered> render(RoutingContext ctx, String format, MemberCodes.Current code) {
    return switch (format) {
      case "png" -> ctx.vertx().executeBlocking(() ->
          new Rendered("image/png", Buffer.buffer(QrRender.png(code.code()))));
      case "svg" -> ctx.vertx().executeBlocking(() ->
          new Rendered("image/svg+xml", Buffer.buffer(QrRender.svg(code.code()))));
      case "text" -> Future.succeededFuture(new Rendered("text/plain; charset=utf-8", Buffer.buffer(code.code())));
      default -> Future.succeededFuture(new Rendered("application/json",
          Buffer.buffer(CodeJson.memberCode(code).encode())));
    };
  }

  private record Rendered(String type, Buffer body) {
  }
}

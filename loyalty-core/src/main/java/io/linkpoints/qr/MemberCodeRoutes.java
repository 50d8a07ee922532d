package io.linkpoints.qr;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.auth.DeviceSecrets;
import io.linkpoints.auth.Principal;
import io.linkpoints.member.MemberDevices;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.Json;
import io.linkpoints.web.Params;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;

/**
 * HTTP for QR codes: a member's current LP2 code computed by the server for one of their devices
 * (JSON, digits, PNG or SVG; the wallet computes the same codes itself, offline), claiming a shop
 * code, and reading the QR code in a photo the member took.
 */
public final class MemberCodeRoutes implements ApiRoutes {
  private static final String DEVICE = "select id, revoked_at from member_device where alliance_id = $1 and member_id = $2"
      + " and ($3::bigint is null and revoked_at is null or id = $3) order by created_at desc, id desc limit 1";
  private static final String USED = "select counter from member_code_use where device_id = $1 and step = $2";

  private final Pool pool;
  private final Clock clock;
  private final DeviceKeys keys;
  private final int window;
  private final ShopClaimCodes claims;

  /** {@code window}: the configured code step window ({@code LinkpointsConfig.codeStepWindow}). */
  public MemberCodeRoutes(Pool pool, DeviceSecrets deviceSecrets, int window, ShopClaimCodes claims, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    this.keys = new DeviceKeys(pool, deviceSecrets);
    this.window = window;
    this.claims = claims;
  }

  @Override
  public void mount(RouterBuilder b) {
    on(b, "getMemberCode", this::memberCode);
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
      throw ProblemCode.IMAGE_UNREADABLE.refuse("the image is not base64");
    }
  }

  /**
   * The signed-in member's code now: for {@code deviceId}, or their newest active device; the
   * first counter of this time step not used yet. The member comes from the token, never from the request.
   */
  private void memberCode(RoutingContext ctx) {
    Principal member = Principal.of(ctx);
    String format = ctx.queryParams().get("format") == null ? "json" : ctx.queryParams().get("format");
    Long deviceId = ctx.queryParams().get("deviceId") == null ? null : Params.positiveLong(ctx, "deviceId");
    long step = Lp2Code.stepOf(clock.instant());
    pool.preparedQuery(DEVICE).execute(Tuple.of(member.allianceId(), member.subjectId(), deviceId)).compose(rows -> {
      if (rows.size() == 0) {
        throw deviceId != null ? MemberDevices.deviceNotFound(deviceId)
            : ProblemCode.NO_DEVICE.refuse("sign in on a phone first: codes are made from a phone's secret");
      }
      Row device = rows.iterator().next();
      if (device.getValue("revoked_at") != null) {
        throw ProblemCode.DEVICE_REVOKED.refuse("that phone was signed out: its codes are refused");
      }
      long id = device.getLong("id");
      return pool.preparedQuery(USED).execute(Tuple.of(id, step)).compose(used -> {
        boolean[] taken = new boolean[Lp2Code.COUNTERS_PER_STEP];
        used.forEach(r -> taken[r.getInteger("counter")] = true);
        int counter = 0;
        while (counter < taken.length && taken[counter]) {
          counter++;
        }
        if (counter == taken.length) {
          throw ProblemCode.CODES_USED_UP.refuse("ten codes were used in these 30 seconds: wait for the next ones");
        }
        int chosen = counter;
        return keys.of(id).map(key -> Lp2Code.code(key.orElseThrow(() -> new IllegalStateException(
            "device " + id + ": its secret does not open here")).secret(), id, step, chosen));
      }).compose(code -> render(ctx, format, code, id, step));
    }).onSuccess(r -> ctx.response().putHeader("Content-Type", r.type()).putHeader("Cache-Control", "no-store")
        .end(r.body())).onFailure(ctx::fail);
  }

  private io.vertx.core.Future<Rendered> render(RoutingContext ctx, String format, String code, long deviceId, long step) {
    return switch (format) {
      case "png" -> ctx.vertx().executeBlocking(() -> new Rendered("image/png", Buffer.buffer(QrRender.png(code))));
      case "svg" -> ctx.vertx().executeBlocking(() -> new Rendered("image/svg+xml", Buffer.buffer(QrRender.svg(code))));
      case "text" -> io.vertx.core.Future.succeededFuture(new Rendered("text/plain; charset=utf-8", Buffer.buffer(code)));
      default -> io.vertx.core.Future.succeededFuture(new Rendered("application/json", Buffer.buffer(new JsonObject()
          .put("code", code).put("deviceId", deviceId).put("step", step).put("counter", Integer.parseInt(code.substring(11, 12)))
          .put("expiresAt", Lp2Code.stepStart(step + 1 + window).toString()).encode())));
    };
  }

  private record Rendered(String type, Buffer body) {
  }
}

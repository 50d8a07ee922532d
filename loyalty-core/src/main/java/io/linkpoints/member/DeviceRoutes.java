package io.linkpoints.member;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.auth.MemberDeviceSecrets;
import io.linkpoints.auth.Principal;
import io.linkpoints.auth.Role;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * HTTP for member devices: a member binds, lists and revokes their phones and sees their codes'
 * uses; a shop owner (at the member's request, found by phone) and the admin revoke any device of
 * the alliance. The access gate has checked the caller's role and alliance (and an owner's shop).
 */
public final class DeviceRoutes implements ApiRoutes {
  private final MemberDevices devices;

  public DeviceRoutes(Pool pool, MemberDeviceSecrets deviceSecrets, Clock clock) {
    this.devices = new MemberDevices(pool, deviceSecrets, clock);
  }

  @Override
  public void mount(RouterBuilder b) {
    on(b, "bindMemberDevice", JsonHandlers.reply(201, ctx -> {
      Principal me = Principal.of(ctx);
      String label = JsonHandlers.body(ctx).getString("label");
      return devices.bind(me.allianceId(), me.subjectId(), label).map(MemberJson::bound);
    }));
    on(b, "listMemberDevices", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      return devices.list(me.allianceId(), me.subjectId()).map(MemberJson::devices);
    }));
    on(b, "revokeMemberDevice", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      return devices.revokeOwn(me.allianceId(), me.subjectId(), Params.positiveLong(ctx, "deviceId"))
          .map(MemberJson::device);
    }));
    on(b, "listMemberDeviceUses", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      return devices.uses(me.allianceId(), me.subjectId(), Params.positiveLong(ctx, "deviceId")).map(MemberJson::uses);
    }));
    on(b, "searchShopMemberDevices", JsonHandlers.reply(200, this::search));
    on(b, "revokeShopMemberDevice", JsonHandlers.reply(200, ctx -> staffRevoke(ctx, Role.OWNER)));
    on(b, "searchMemberDevices", JsonHandlers.reply(200, this::search));
    on(b, "revokeAllianceMemberDevice", JsonHandlers.reply(200, ctx -> staffRevoke(ctx, Role.ADMIN)));
  }

  private Future<JsonObject> search(RoutingContext ctx) {
    return devices.search(Params.positiveLong(ctx, "allianceId"), JsonHandlers.body(ctx).getString("phone"))
        .map(MemberJson::found);
  }

  /** A shop owner (at the member's request) or the admin revokes a device; the path's alliance is the caller's. */
  private Future<JsonObject> staffRevoke(RoutingContext ctx, Role by) {
    return devices.revoke(Params.positiveLong(ctx, "allianceId"), Params.positiveLong(ctx, "deviceId"), by)
        .map(MemberJson::device);
  }
}

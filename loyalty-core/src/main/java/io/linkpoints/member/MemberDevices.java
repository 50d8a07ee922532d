package io.linkpoints.member;

import io.linkpoints.auth.MemberDeviceSecrets;
import io.linkpoints.auth.Role;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A member's phones, each with the secret its LP2 codes are made from. Binding returns the secret
 * once (the wallet keeps it as a non-extractable WebCrypto key); the server keeps it sealed. A
 * device is revoked by the member (sign-out, a lost phone), by a shop owner at the member's
 * request, or by the admin; a revoked device's codes are refused at once (checked with each use).
 */
public final class MemberDevices {
  /** More than any member carries; binding one more revokes the member's oldest active device. */
  public static final int MAX_ACTIVE = 10;
  private static final String COLUMNS = "d.id, d.label, d.created_at, d.revoked_at, d.revoked_by,"
      + " (select max(u.used_at) from member_code_use u"
      + "   where u.alliance_id = d.alliance_id and u.device_id = d.id) as last_used_at";

  private static final String LOCK_MEMBER = "select id from member where alliance_id = $1 and id = $2 for update";
  private static final String NEXT_ID = "select nextval(pg_get_serial_sequence('member_device', 'id')) as id";
  private static final String INSERT = "insert into member_device (id, alliance_id, member_id, label, secret_sealed,"
      + " created_at) values ($1, $2, $3, $4, $5, $6)";
  private static final String REVOKE_OLDEST = "update member_device set revoked_at = $3, revoked_by = 'member'"
      + " where alliance_id = $1 and id in (select id from member_device where alliance_id = $1 and member_id = $2 and revoked_at is null"
      + "   order by created_at desc, id desc offset " + (MAX_ACTIVE - 1) + ")";
  private static final String LIST = "select " + COLUMNS + " from member_device d"
      + " where d.alliance_id = $1 and d.member_id = $2 order by d.created_at desc, d.id desc limit 50";
  private static final String ONE = "select d.member_id, " + COLUMNS + " from member_device d"
      + " where d.alliance_id = $1 and d.id = $2";
  private static final String REVOKE = "update member_device set revoked_at = $3, revoked_by = $4"
      + " where alliance_id = $1 and id = $2 and revoked_at is null";
  private static final String USES = "select step, counter, used_at from member_code_use"
      + " where alliance_id = $1 and device_id = $2 order by used_at desc, step desc, counter desc limit 20";
  private static final String MEMBER_BY_PHONE = "select id, phone from member where alliance_id = $1 and phone = $2";

  private final Pool pool;
  private final MemberDeviceSecrets secrets;
  private final Clock clock;

  public MemberDevices(Pool pool, MemberDeviceSecrets secrets, Clock clock) {
    this.pool = pool;
    this.secrets = secrets;
    this.clock = clock;
  }

  /** A newly bound device and its secret (URL-safe base64), which is never shown again. */
  public record Bound(MemberDevice device, String secret) {
  }

  /** One use of a device's code at a till: the code's time step and counter. */
  public record CodeUse(long step, int counter, Instant usedAt) {
  }

  /** A member found by phone (shown masked), with their devices. */
  public record Found(long memberId, String maskedPhone, List<MemberDevice> devices) {
  }

  /** A new device for the member and its secret, which is never shown again. */
  public Future<Bound> bind(long allianceId, long memberId, String label) {
    byte[] secret = MemberDeviceSecrets.newSecret();
    OffsetDateTime now = now();
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_MEMBER).execute(Tuple.of(allianceId, memberId))
        .compose(member -> {
          if (member.size() == 0) {
            throw ApiException.notFound("member");
          }
          // Serialised per member by the lock above: the cap on active devices holds under racing binds.
          return conn.preparedQuery(REVOKE_OLDEST).execute(Tuple.of(allianceId, memberId, now));
        })
        .compose(v -> conn.query(NEXT_ID).execute())
        .compose(ids -> {
          long id = ids.iterator().next().getLong("id");
          return conn.preparedQuery(INSERT).execute(Tuple.of(id, allianceId, memberId, label, secrets.seal(id, secret),
              now)).map(id);
        }))
        .compose(id -> one(allianceId, id))
        .map(device -> new Bound(device, Base64.getUrlEncoder().withoutPadding().encodeToString(secret)));
  }

  public Future<List<MemberDevice>> list(long allianceId, long memberId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(allianceId, memberId)).map(MemberDevices::devices);
  }

  /** Revokes a device of this member (404 for anyone else's). Revoking twice answers the same. */
  public Future<MemberDevice> revokeOwn(long allianceId, long memberId, long deviceId) {
    return owned(allianceId, memberId, deviceId).compose(d -> revoke(allianceId, deviceId, Role.MEMBER));
  }

  /** Revokes any device of the alliance, by the member, a shop owner or the admin. */
  public Future<MemberDevice> revoke(long allianceId, long deviceId, Role by) {
    return pool.preparedQuery(REVOKE).execute(Tuple.of(allianceId, deviceId, now(), by.claim()))
        .compose(v -> one(allianceId, deviceId));
  }

  /** The latest uses of one of the member's devices' codes: the wallet moves on to a fresh code. */
  public Future<List<CodeUse>> uses(long allianceId, long memberId, long deviceId) {
    return owned(allianceId, memberId, deviceId)
        .compose(d -> pool.preparedQuery(USES).execute(Tuple.of(allianceId, deviceId)))
        .map(rows -> {
          List<CodeUse> uses = new ArrayList<>();
          for (Row r : rows) {
            uses.add(new CodeUse(r.getLong("step"), r.getInteger("counter"),
                r.getOffsetDateTime("used_at").toInstant()));
          }
          return uses;
        });
  }

  /** A member found by phone, with their devices: for staff helping a member who lost a phone. */
  public Future<Found> search(long allianceId, String phone) {
    return pool.preparedQuery(MEMBER_BY_PHONE).execute(Tuple.of(allianceId, phone)).compose(rows -> {
      if (rows.size() == 0) {
        throw ProblemCode.MEMBER_NOT_FOUND.refuse("no member with that phone in this alliance");
      }
      long memberId = rows.iterator().next().getLong("id");
      return list(allianceId, memberId)
          .map(devices -> new Found(memberId, masked(rows.iterator().next().getString("phone")), devices));
    });
  }

  private Future<MemberDevice> owned(long allianceId, long memberId, long deviceId) {
    return pool.preparedQuery(ONE).execute(Tuple.of(allianceId, deviceId)).map(rows -> {
      if (rows.size() == 0 || rows.iterator().next().getLong("member_id") != memberId) {
        throw deviceNotFound(deviceId);
      }
      return MemberDevice.of(rows.iterator().next());
    });
  }

  private Future<MemberDevice> one(long allianceId, long deviceId) {
    return pool.preparedQuery(ONE).execute(Tuple.of(allianceId, deviceId)).map(rows -> {
      if (rows.size() == 0) {
        throw deviceNotFound(deviceId);
      }
      return MemberDevice.of(rows.iterator().next());
    });
  }

  public static ApiException deviceNotFound(long deviceId) {
    return ProblemCode.DEVICE_NOT_FOUND.refuse("no member device " + deviceId + " here");
  }

  /** Staff see the phone as a member would recognise it, not whole. */
  static String masked(String phone) {
    return phone.length() <= 7 ? phone : phone.substring(0, phone.length() - 8) + "****" + phone.substring(phone.length() - 4);
  }

  private static List<MemberDevice> devices(RowSet<Row> rows) {
    List<MemberDevice> devices = new ArrayList<>();
    for (Row r : rows) {
      devices.add(MemberDevice.of(r));
    }
    return devices;
  }

  private OffsetDateTime now() {
    return clock.instant().atOffset(ZoneOffset.UTC);
  }
}

package io.linkpoints.notifications;

import io.linkpoints.web.OutboundTargets;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Base64;

/**
 * The member's browsers that take Web Push. A subscription is checked before it is kept: the
 * endpoint against the SSRF guard, {@link OutboundTargets} (on a worker: it resolves the host), {@code p256dh}
 * must be a P-256 point and {@code auth} 16 bytes, as RFC 8291 wants.
 */
public final class PushSubscriptions {
  private static final String UPSERT = "insert into push_subscription (alliance_id, member_id, endpoint, p256dh, auth,"
      + " created_at) values ($1, $2, $3, $4, $5, $6) on conflict (alliance_id, endpoint) do update set"
      + " member_id = excluded.member_id, p256dh = excluded.p256dh, auth = excluded.auth,"
      + " created_at = excluded.created_at returning id";
  private static final String DELETE = "delete from push_subscription where alliance_id = $1 and member_id = $2"
      + " and endpoint = $3";

  private final Pool pool;
  private final Clock clock;
  private final OutboundTargets targets;

  public PushSubscriptions(Pool pool, Clock clock, OutboundTargets targets) {
    this.pool = pool;
    this.clock = clock;
    this.targets = targets;
  }

  /** A subscription as the browser's {@code PushSubscription.toJSON()} gives it. */
  public record Subscription(String endpoint, String p256dh, String auth) {
  }

  /** Keeps the subscription for the member (taking it over from whoever had that endpoint); its id. */
  public Future<Long> subscribe(long allianceId, long memberId, Subscription s) {
    try {
      WebPushCrypto.decodePoint(Base64.getUrlDecoder().decode(s.p256dh()));
      if (Base64.getUrlDecoder().decode(s.auth()).length != 16) {
        throw ProblemCode.INVALID_PARAMETER.refuse("keys.auth must be 16 bytes, base64url");
      }
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw ProblemCode.INVALID_PARAMETER.refuse("keys.p256dh must be a P-256 point and keys.auth 16 bytes, base64url");
    }
    return targets.check(Vertx.currentContext().owner(), s.endpoint(), ProblemCode.PUSH_ENDPOINT_REFUSED)
        .compose(checked -> pool.preparedQuery(UPSERT).execute(Tuple.of(allianceId, memberId, s.endpoint(), s.p256dh(), s.auth(),
          clock.instant().atOffset(ZoneOffset.UTC))).map(rows -> rows.iterator().next().getLong(0)));
  }

  /** Forgets the member's subscription at {@code endpoint}; 404 if they have none there. */
  public Future<Void> unsubscribe(long allianceId, long memberId, String endpoint) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(allianceId, memberId, endpoint)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw ProblemCode.NOT_FOUND.refuse("no push subscription at that endpoint for this member");
      }
      return null;
    });
  }
}

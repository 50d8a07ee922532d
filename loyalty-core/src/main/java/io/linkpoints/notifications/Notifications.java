package io.linkpoints.notifications;

import io.linkpoints.notifications.NotificationText.Group;
import io.linkpoints.notifications.NotificationText.Text;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The member's inbox and choices. {@link #notifyMember} is how anything tells a member something:
 * it writes the inbox row in the caller's transaction (idempotent on the event's id) and queues the
 * push and SMS deliveries the member's choices allow, which {@link NotificationDeliveries} sends.
 */
public final class Notifications {
  private static final String SETTINGS = "select expiry_reminders, points_activity, coupons, tiers_and_rewards,"
      + " marketing, all_off, push, sms from member_notification_settings where alliance_id = $1 and member_id = $2";
  private static final String SAVE_SETTINGS = "insert into member_notification_settings (alliance_id, member_id,"
      + " expiry_reminders, points_activity, coupons, tiers_and_rewards, marketing, all_off, push, sms, updated_at)"
      + " select $1, m.id, $3, $4, $5, $6, $7, $8, $9, $10, $11 from member m where m.alliance_id = $1 and m.id = $2"
      + " on conflict (alliance_id, member_id) do update set expiry_reminders = excluded.expiry_reminders,"
      + " points_activity = excluded.points_activity, coupons = excluded.coupons,"
      + " tiers_and_rewards = excluded.tiers_and_rewards, marketing = excluded.marketing, all_off = excluded.all_off,"
      + " push = excluded.push, sms = excluded.sms, updated_at = excluded.updated_at";
  private static final String INSERT = "insert into member_notification (alliance_id, member_id, event_id, kind,"
      + " kind_group, title_zh, body_zh, title_en, body_en, data, created_at)"
      + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
      + " on conflict (alliance_id, event_id) do nothing returning id";
  private static final String QUEUE_PUSH = "insert into notification_delivery (alliance_id, notification_id, channel,"
      + " subscription_id, next_attempt_at, created_at)"
      + " select $1, $2, 'push', s.id, $3, $3 from push_subscription s where s.alliance_id = $1 and s.member_id = $4";
  private static final String QUEUE_SMS = "insert into notification_delivery (alliance_id, notification_id, channel,"
      + " next_attempt_at, created_at) values ($1, $2, 'sms', $3, $3)";
  private static final String PAGE = "select id, kind, kind_group, title_zh, body_zh, title_en, body_en, data,"
      + " created_at, read_at from member_notification where alliance_id = $1 and member_id = $2 and id < $3"
      + " order by id desc limit $4";
  private static final String UNREAD = "select count(*) from member_notification"
      + " where alliance_id = $1 and member_id = $2 and read_at is null";
  private static final String READ = "update member_notification set read_at = coalesce(read_at, $4)"
      + " where alliance_id = $1 and member_id = $2 and id = $3 returning id, kind, kind_group, title_zh, body_zh,"
      + " title_en, body_en, data, created_at, read_at";
  private static final String READ_ALL = "update member_notification set read_at = $3"
      + " where alliance_id = $1 and member_id = $2 and read_at is null";

  private final Pool pool;
  private final Clock clock;
  private final boolean smsConfigured;

  public Notifications(Pool pool, Clock clock, boolean smsConfigured) {
    this.pool = pool;
    this.clock = clock;
    this.smsConfigured = smsConfigured;
  }

  /** An inbox row, its words rendered when it was written. */
  public record Item(long id, String kind, Group group, Text text, JsonObject data, Instant createdAt, Instant readAt) {
  }

  /** One page of the inbox, newest first; {@code nextCursor} null on the last. */
  public record Page(List<Item> items, Long nextCursor, long unreadCount) {
  }

  /**
   * Tells member {@code memberId} about event {@code eventId} of {@code kind} (a key of
   * {@link NotificationText#KINDS}), in the caller's transaction ({@code conn}): the inbox row and
   * its deliveries, as the member's choices allow (see {@link NotificationPreferences}). Telling the
   * same event again does nothing. Answers the inbox row's id, or empty when nothing new was written.
   */
  public Future<Optional<Long>> notifyMember(SqlClient conn, long allianceId, long memberId, String kind,
      JsonObject data, UUID eventId) {
    Group group = NotificationText.group(kind);
    Text text = NotificationText.render(kind, data);
    OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
    return preferences(conn, allianceId, memberId).compose(prefs -> {
      if (!prefs.inbox(group)) {
        return Future.succeededFuture(Optional.<Long>empty());
      }
      return conn.preparedQuery(INSERT).execute(Tuple.from(new Object[] {allianceId, memberId, eventId, kind,
              group.column, text.titleZh(), text.bodyZh(), text.titleEn(), text.bodyEn(), data, now}))
          .compose(rows -> {
            if (rows.size() == 0) {
              return Future.succeededFuture(Optional.<Long>empty());
            }
            long id = rows.iterator().next().getLong(0);
            Future<?> push = prefs.sendsPush(group)
                ? conn.preparedQuery(QUEUE_PUSH).execute(Tuple.of(allianceId, id, now, memberId))
                : Future.succeededFuture();
            return push.compose(v -> smsConfigured && prefs.sendsSms(group)
                    ? conn.preparedQuery(QUEUE_SMS).execute(Tuple.of(allianceId, id, now)).mapEmpty()
                    : Future.succeededFuture())
                .map(v -> Optional.of(id));
          });
    });
  }

  /** The member's choices, or the defaults if they never chose. */
  public Future<NotificationPreferences> preferences(SqlClient client, long allianceId, long memberId) {
    return client.preparedQuery(SETTINGS).execute(Tuple.of(allianceId, memberId)).map(rows -> {
      if (rows.size() == 0) {
        return NotificationPreferences.defaults();
      }
      Row r = rows.iterator().next();
      Map<Group, Boolean> groups = new EnumMap<>(Group.class);
      for (Group g : Group.values()) {
        groups.put(g, r.getBoolean(g.column));
      }
      return new NotificationPreferences(groups, r.getBoolean("all_off"), r.getBoolean("push"), r.getBoolean("sms"));
    });
  }

  public Future<NotificationPreferences> preferences(long allianceId, long memberId) {
    return preferences(pool, allianceId, memberId);
  }

  /** Replaces the member's choices; answers them as stored. */
  public Future<NotificationPreferences> choose(long allianceId, long memberId, NotificationPreferences p) {
    Object[] values = {allianceId, memberId, p.groups().get(Group.EXPIRY_REMINDERS), p.groups().get(Group.POINTS_ACTIVITY),
        p.groups().get(Group.COUPONS), p.groups().get(Group.TIERS_AND_REWARDS), p.groups().get(Group.MARKETING),
        p.allOff(), p.push(), p.sms(), clock.instant().atOffset(ZoneOffset.UTC)};
    return pool.preparedQuery(SAVE_SETTINGS).execute(Tuple.from(values))
        .compose(v -> preferences(allianceId, memberId));
  }

  /** The inbox page after {@code cursor} (an id; null: the newest). */
  public Future<Page> page(long allianceId, long memberId, Long cursor, int limit) {
    long before = cursor == null ? Long.MAX_VALUE : cursor;
    return pool.preparedQuery(PAGE).execute(Tuple.of(allianceId, memberId, before, limit + 1)).compose(rows -> {
      List<Item> items = new ArrayList<>();
      for (Row r : rows) {
        items.add(item(r));
      }
      Long next = null;
      if (items.size() > limit) {
        items = items.subList(0, limit);
        next = items.get(limit - 1).id();
      }
      List<Item> page = List.copyOf(items);
      Long nextCursor = next;
      return unread(allianceId, memberId).map(unread -> new Page(page, nextCursor, unread));
    });
  }

  public Future<Long> unread(long allianceId, long memberId) {
    return pool.preparedQuery(UNREAD).execute(Tuple.of(allianceId, memberId)).map(rows -> rows.iterator().next().getLong(0));
  }

  /** Marks one of the member's notifications read (once: a second call keeps the first time); 404 if not theirs. */
  public Future<Item> markRead(long allianceId, long memberId, long id) {
    return pool.preparedQuery(READ).execute(Tuple.of(allianceId, memberId, id, clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ProblemCode.NOT_FOUND.refuse("no notification " + id + " for this member");
          }
          return item(rows.iterator().next());
        });
  }

  /** Marks all read; answers how many were unread. */
  public Future<Integer> markAllRead(long allianceId, long memberId) {
    return pool.preparedQuery(READ_ALL).execute(Tuple.of(allianceId, memberId, clock.instant().atOffset(ZoneOffset.UTC)))
        .map(RowSet::rowCount);
  }

  private static Item item(Row r) {
    Group group = Group.valueOf(r.getString("kind_group").toUpperCase(java.util.Locale.ROOT));
    OffsetDateTime read = r.getOffsetDateTime("read_at");
    return new Item(r.getLong("id"), r.getString("kind"), group,
        new Text(r.getString("title_zh"), r.getString("body_zh"), r.getString("title_en"), r.getString("body_en")),
        (JsonObject) r.getValue("data"), r.getOffsetDateTime("created_at").toInstant(),
        read == null ? null : read.toInstant());
  }
}

package io.linkpoints.privacy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;

/**
 * Everything held about one member (PIPL Art. 45), streamed: each section is one query over the
 * member's own rows ($1 the alliance, $2 the member), read through a cursor {@link #FETCH_ROWS}
 * rows at a time inside a read-only transaction; the cursor pauses while the response's write
 * queue is full, so memory stays bounded however long the member's history. As JSON (one object,
 * a key per section, an array per section but {@code profile} and {@code tier}) or as a readable
 * HTML page in zh-CN or English. Secrets (a device's sealed key, a push subscription's keys) are
 * not the member's data and not exported.
 */
public final class MemberDataExport {
  static final int FETCH_ROWS = 200;

  /** A section: its JSON key, its headings, and the query giving one JSON text per row ({@code j}). */
  record Section(String key, String zh, String en, boolean single, String sql) {
  }

  static final List<Section> SECTIONS = List.of(
      new Section("profile", "个人资料", "Profile", true, "select jsonb_strip_nulls(jsonb_build_object('id', m.id, 'handle', m.handle,"
          + " 'phone', m.phone, 'joinedAt', m.created_at, 'birthMonth', m.birth_month, 'birthDay', m.birth_day,"
          + " 'birthYear', m.birth_year))::text as j from member m where m.alliance_id = $1 and m.id = $2"),
      new Section("devices", "设备", "Devices", false, "select (to_jsonb(d) - 'alliance_id' - 'secret_sealed')::text as j"
          + " from member_device d where d.alliance_id = $1 and d.member_id = $2 order by d.id"),
      new Section("transfers", "积分记录", "Points transfers", false, "select jsonb_build_object('id', t.id, 'at', t.created_at,"
          + " 'points', case when t.credit_account_id = w.id then t.amount else -t.amount end, 'code', t.code,"
          + " 'pending', t.flags = 1)::text as j from ledger_account w join ledger_transfer t"
          + " on t.alliance_id = w.alliance_id and (t.debit_account_id = w.id or t.credit_account_id = w.id)"
          + " where w.alliance_id = $1 and w.kind = 'member_wallet' and w.owner_id = $2 order by t.created_at, t.seq"),
      new Section("lots", "积分批次", "Points lots", false, "select (to_jsonb(l) - 'alliance_id' - 'account_id')::text as j"
          + " from ledger_account w join ledger_lot l on l.alliance_id = w.alliance_id and l.account_id = w.id"
          + " where w.alliance_id = $1 and w.kind = 'member_wallet' and w.owner_id = $2 order by l.transfer_id, l.n"),
      new Section("coupons", "优惠券", "Coupons", false, "select (to_jsonb(k) - 'alliance_id')::text as j from coupon k"
          + " where k.alliance_id = $1 and k.member_id = $2 order by k.id"),
      new Section("tier", "会员等级", "Tier", true, "select (to_jsonb(x) - 'alliance_id')::text as j from member_tier x"
          + " where x.alliance_id = $1 and x.member_id = $2"),
      new Section("rewards", "礼遇", "Rewards", false, "select (to_jsonb(g) - 'alliance_id')::text as j from reward_grant g"
          + " where g.alliance_id = $1 and g.member_id = $2 order by g.year, g.kind"),
      new Section("passports", "集章卡", "Stamp passports", false, "select (to_jsonb(c) - 'alliance_id')::text as j"
          + " from passport_card c where c.alliance_id = $1 and c.member_id = $2 order by c.passport_id"),
      new Section("notifications", "消息", "Notifications", false, "select (to_jsonb(n) - 'alliance_id')::text as j"
          + " from member_notification n where n.alliance_id = $1 and n.member_id = $2 order by n.id"),
      new Section("consents", "同意记录", "Consents", false, "select (to_jsonb(c) - 'alliance_id')::text as j"
          + " from member_consent c where c.alliance_id = $1 and c.member_id = $2 order by c.id"));

  private final Pool pool;

  public MemberDataExport(Pool pool) {
    this.pool = pool;
  }

  /** Streams the member's data as JSON ({@code html} false) or as an HTML page; ends the response. */
  public Future<Void> stream(HttpServerResponse response, long allianceId, long memberId, boolean html, boolean english) {
    Tuple member = Tuple.of(allianceId, memberId);
    response.setChunked(true);
    if (html) {
      response.putHeader("Content-Type", "text/html; charset=utf-8");
      response.write(Html.head(english));
    } else {
      response.putHeader("Content-Type", "application/json");
      response.putHeader("Content-Disposition", "attachment; filename=\"my-data.json\"");
      response.write("{");
    }
    return pool.withTransaction(conn -> conn.query("set transaction read only").execute().compose(v -> {
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < SECTIONS.size(); i++) {
        Section s = SECTIONS.get(i);
        boolean first = i == 0;
        chain = chain.compose(x -> section(conn, response, s, member, html, english, first));
      }
      return chain;
    })).compose(v -> response.end(html ? Html.tail() : "}"));
  }

  private Future<Void> section(SqlConnection conn, HttpServerResponse response, Section s, Tuple member, boolean html,
      boolean english, boolean first) {
    if (html) {
      response.write(Html.sectionStart(english ? s.en() : s.zh()));
    } else {
      response.write((first ? "" : ",") + "\"" + s.key() + "\":" + (s.single() ? "" : "["));
    }
    int[] rows = {0};
    return conn.prepare(s.sql()).compose(ps -> {
      Promise<Void> done = Promise.promise();
      RowStream<Row> stream = ps.createStream(FETCH_ROWS, member);
      stream.exceptionHandler(done::tryFail);
      stream.endHandler(v -> done.tryComplete());
      stream.handler(row -> {
        String j = row.getString("j");
        if (html) {
          response.write(Html.row(new JsonObject(j)));
        } else {
          response.write((rows[0] == 0 ? "" : ",") + j);
        }
        rows[0]++;
        if (response.writeQueueFull()) {
          stream.pause();
          response.drainHandler(x -> stream.resume());
        }
      });
      return done.future().eventually(() -> ps.close());
    }).map(v -> {
      if (html) {
        response.write(Html.sectionEnd(rows[0] == 0, english));
      } else if (s.single()) {
        if (rows[0] == 0) {
          response.write("null");
        }
      } else {
        response.write("]");
      }
      return null;
    });
  }

  /** The readable page: one table per section, a row per item, its fields as they are stored. */
  static final class Html {
    private Html() {
    }

    static String head(boolean english) {
      String title = english ? "My data" : "我的数据";
      return "<!doctype html><html lang=\"" + (english ? "en" : "zh-CN") + "\"><head><meta charset=\"utf-8\">"
          + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" + title + "</title>"
          + "<style>body{font-family:system-ui,sans-serif;margin:1rem}table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
          + "td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}</style>"
          + "</head><body><h1>" + title + "</h1><p>" + (english
              ? "Everything Linkpoints holds about you in this alliance (PIPL Art. 45)."
              : "联点在本联盟保存的关于您的全部信息（《个人信息保护法》第四十五条）。") + "</p>";
    }

    static String sectionStart(String heading) {
      return "<section><h2>" + escape(heading) + "</h2><table>";
    }

    static String row(JsonObject o) {
      StringBuilder b = new StringBuilder("<tr><td><dl>");
      for (Map.Entry<String, Object> e : o) {
        b.append("<dt>").append(escape(e.getKey())).append("</dt><dd>")
            .append(escape(e.getValue() == null ? "" : String.valueOf(e.getValue()))).append("</dd>");
      }
      return b.append("</dl></td></tr>").toString();
    }

    static String sectionEnd(boolean empty, boolean english) {
      return (empty ? "<tr><td>" + (english ? "None" : "无") + "</td></tr>" : "") + "</table></section>";
    }

    static String tail() {
      return "</body></html>";
    }

    static String escape(String s) {
      return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
          .replace("'", "&#39;");
    }
  }
}

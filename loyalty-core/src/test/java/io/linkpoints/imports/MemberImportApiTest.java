package io.linkpoints.imports;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Member import through the API on a real PostgreSQL: the dry run's counts and row errors, a bad
 * file refused whole, an import's members, lots and transfers, and the same file twice (one after
 * the other, and 8 at once) applied once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemberImportApiTest {
  private static final String CSV = "text/csv";
  private Vertx vertx;
  private ApiFixture api;
  private int worlds;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
  }

  @AfterEach
  void ledgerStillAddsUp() {
    api.assertLedgerOk();
  }

  @AfterAll
  void stop() {
    api.close();
    await(vertx.close());
  }

  private ApiFixture.World world() {
    return api.world("imp" + (++worlds));
  }

  private static String path(ApiFixture.World w, boolean dryRun) {
    return "/v1/alliances/" + w.allianceId() + "/shops/" + w.shopId() + "/member-imports?dryRun=" + dryRun;
  }

  private JsonObject awaitDone(ApiFixture.World w, long id) throws InterruptedException {
    String p = "/v1/alliances/" + w.allianceId() + "/shops/" + w.shopId() + "/member-imports/" + id;
    until(() -> "done".equals(expect(200, api.get(p, w.ownerToken())).getString("status")), 60, "the import is done");
    return expect(200, api.get(p, w.ownerToken()));
  }

  @Test
  void aDryRunCountsAndNamesEveryBadRowAndABadFileIsRefusedWhole() {
    ApiFixture.World w = world();
    api.memberSignIn(w.allianceId(), "+8613900000001"); // an existing member, matched by phone
    String file = "\uFEFFphone,name,birthday,points,expires_on\r\n"
        + "139-0000-0001,老会员,,100,\r\n"          // row 2: matched (dashes stripped)
        + "+86 138 0000 0002,王芳,1990-05-12,200,2099-12-31\r\n" // row 3: new
        + "008613800000003,\"Li, \"\"Jun\"\"\",02-29,0,\r\n"     // row 4: new, quoted name with a comma
        + "12800000004,x,,10,\r\n"                  // row 5: invalid_phone (12…)
        + "13800000002,dup,,10,\r\n"                // row 6: duplicate_in_file (row 3)
        + "13800000006,x,,-5,\r\n"                  // row 7: invalid_points
        + "13800000007,x,1990-02-30,5,\r\n"         // row 8: invalid_birthday
        + "13800000008,x,,5,2000-01-01\r\n"         // row 9: invalid_date (past)
        + "13800000009,x,,5,31/12/2099\r\n";        // row 10: invalid_date (format)
    JsonObject check = expect(200, api.postRaw(path(w, true), w.ownerToken(), CSV, Buffer.buffer(file)));
    assertEquals(9, check.getInteger("rows"));
    assertEquals(2, check.getInteger("newMembers"));
    assertEquals(1, check.getInteger("matchedMembers"));
    assertEquals(300, check.getLong("points")); // 100 + 200 + 0
    assertEquals(6, check.getInteger("errorCount"));
    JsonArray errors = check.getJsonArray("errors");
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < errors.size(); i++) {
      seen.add(errors.getJsonObject(i).getInteger("row") + ":" + errors.getJsonObject(i).getString("code"));
    }
    assertEquals(List.of("5:invalid_phone", "6:duplicate_in_file", "7:invalid_points", "8:invalid_birthday",
        "9:invalid_date", "10:invalid_date"), seen);

    long membersBefore = api.count("/* test */ select count(*) from member where alliance_id = " + w.allianceId());
    JsonObject refused = expect(422, api.postRaw(path(w, false), w.ownerToken(), CSV, Buffer.buffer(file)));
    assertEquals(6, refused.getInteger("errorCount"));
    assertEquals(membersBefore,
        api.count("/* test */ select count(*) from member where alliance_id = " + w.allianceId()));
    assertEquals(0, api.count("/* test */ select count(*) from member_import where alliance_id = " + w.allianceId()));
    assertEquals(0, api.count("/* test */ select count(*) from ledger_transfer where alliance_id = " + w.allianceId()
        + " and code = 'member_import'"));
  }

  @Test
  void anImportIssuesLotsFromTheShopAndTheSameFileAgainChangesNothing() throws InterruptedException {
    ApiFixture.World w = world();
    api.memberSignIn(w.allianceId(), "+8613900000001");
    String file = "phone,name,birthday,points,expires_on\n"
        + "13900000001,老会员,,100,\n"
        + "13800000002,王芳,1990-05-12,200,2099-12-31\n"
        + "13800000003,,,0,\n";
    HttpResponse<Buffer> first = api.postRaw(path(w, false), w.ownerToken(), CSV, Buffer.buffer(file));
    JsonObject accepted = expect(202, first);
    long id = accepted.getLong("id");
    JsonObject done = awaitDone(w, id);
    assertEquals(3, done.getInteger("rowsDone"));
    assertEquals(2, done.getInteger("newMembers"));
    assertEquals(1, done.getInteger("matchedMembers"));
    long a = w.allianceId();
    // 3 members now: the one who signed in, two imported; the imported name and birthday are kept.
    assertEquals(3, api.count("/* test */ select count(*) from member where alliance_id = " + a));
    assertEquals("王芳", api.text("/* test */ select name from member where alliance_id = " + a
        + " and phone = '+8613800000002'"));
    assertEquals("1990-5-12", api.text("/* test */ select birth_year || '-' || birth_month || '-' || birth_day"
        + " from member where alliance_id = " + a + " and phone = '+8613800000002'"));
    // Two transfers (the 0-point row issues nothing), 300 points, all from this shop's issuance account.
    String transfers = "/* test */ select count(*) from ledger_transfer t join ledger_account d"
        + " on d.alliance_id = t.alliance_id and d.id = t.debit_account_id"
        + " where t.alliance_id = " + a + " and t.code = 'member_import' and d.kind = 'merchant_issuance'"
        + " and d.owner_id = " + w.shopId();
    assertEquals(2, api.count(transfers));
    assertEquals(300, api.count("/* test */ select coalesce(sum(amount), 0) from ledger_transfer where alliance_id = "
        + a + " and code = 'member_import'"));
    // The 200-point lot expires at the end of 2099-12-31 in Shanghai: 2099-12-31T16:00Z.
    assertEquals("2099-12-31T16:00Z", api.text("/* test */ select to_char(l.expires_at at time zone 'UTC',"
        + " 'YYYY-MM-DD\"T\"HH24:MI\"Z\"') from ledger_lot l join ledger_account w on w.alliance_id = l.alliance_id"
        + " and w.id = l.account_id join member m on m.alliance_id = w.alliance_id and m.id = w.owner_id"
        + " where l.alliance_id = " + a + " and w.kind = 'member_wallet' and m.phone = '+8613800000002'"
        + " and l.issuer_shop_id = " + w.shopId()));

    // The same file again: the first import, nothing new.
    JsonObject again = expect(200, api.postRaw(path(w, false), w.ownerToken(), CSV, Buffer.buffer(file)));
    assertEquals(id, again.getLong("id"));
    assertEquals("done", again.getString("status"));
    assertEquals(2, api.count(transfers));
    assertEquals(3, api.count("/* test */ select count(*) from member where alliance_id = " + a));

    // The admin may import for the shop; another shop's owner may not read this one's import.
    JsonObject other = api.createShop(a, w.adminToken(), "imp other shop " + worlds, "imp-other-" + worlds);
    String otherOwner = api.staffToken(a, "imp-other-" + worlds, "owner-password-1");
    String progress = "/v1/alliances/" + a + "/shops/" + w.shopId() + "/member-imports/" + id;
    assertEquals(403, api.get(progress, otherOwner).statusCode());
    assertEquals(404, api.get("/v1/alliances/" + a + "/shops/" + other.getLong("id") + "/member-imports/" + id,
        w.adminToken()).statusCode());
    assertEquals(200, api.get(progress, w.adminToken()).statusCode());
    // Audited: the import and the same file sent again (answered with it) are in the alliance's audit log.
    assertEquals(2, api.count("/* test */ select count(*) from audit_log where alliance_id = " + a
        + " and action = 'uploadMemberImport'"));
  }

  @Test
  void theSameFileSentEightTimesAtOnceIsImportedOnce() throws InterruptedException {
    ApiFixture.World w = world();
    StringBuilder file = new StringBuilder("phone,name,birthday,points,expires_on\n");
    for (int i = 0; i < 1200; i++) { // more than two batches of 500
      file.append("137").append(String.format("%08d", i)).append(",,,").append(i % 7 + 1).append(",\n");
    }
    Buffer body = Buffer.buffer(file.toString());
    String p = path(w, false);
    List<Future<HttpResponse<Buffer>>> racers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      racers.add(api.postRawAsync(p, w.ownerToken(), CSV, body));
    }
    await(Future.join(racers));
    Set<Long> ids = new HashSet<>();
    int accepted = 0;
    for (Future<HttpResponse<Buffer>> r : racers) {
      HttpResponse<Buffer> response = ApiFixture.checked(HttpMethod.POST, p, r.result());
      assertTrue(response.statusCode() == 202 || response.statusCode() == 200, response.bodyAsString());
      accepted += response.statusCode() == 202 ? 1 : 0;
      ids.add(response.bodyAsJsonObject().getLong("id"));
    }
    assertEquals(1, accepted);
    assertEquals(1, ids.size());
    awaitDone(w, ids.iterator().next());
    long a = w.allianceId();
    assertEquals(1, api.count("/* test */ select count(*) from member_import where alliance_id = " + a));
    assertEquals(1200, api.count("/* test */ select count(*) from member where alliance_id = " + a));
    assertEquals(1200, api.count("/* test */ select count(*) from ledger_transfer where alliance_id = " + a
        + " and code = 'member_import'"));
    // sum over i < 1200 of (i % 7 + 1): 171 full cycles of 1..7 (28 each) = 4788, then i = 1197..1199 give 1+2+3 = 6.
    assertEquals(4794, api.count("/* test */ select sum(amount) from ledger_transfer where alliance_id = " + a
        + " and code = 'member_import'"));
  }

  @Test
  void anImportWhoseInstanceStoppedIsTakenOverByTheSameFileAndIssuesNothingTwice() throws InterruptedException {
    ApiFixture.World w = world();
    StringBuilder file = new StringBuilder("phone,name,birthday,points,expires_on\n");
    for (int i = 0; i < 700; i++) {
      file.append("135").append(String.format("%08d", i)).append(",,,10,\n");
    }
    Buffer body = Buffer.buffer(file.toString());
    long id = expect(202, api.postRaw(path(w, false), w.ownerToken(), CSV, body)).getLong("id");
    awaitDone(w, id);
    long a = w.allianceId();
    String issued = "/* test */ select count(*) * 1000000 + sum(amount) from ledger_transfer where alliance_id = " + a
        + " and code = 'member_import'";
    assertEquals(700 * 1_000_000L + 7000, api.count(issued)); // 700 transfers of 10 points
    // As if its instance had died before marking it done: still running, the lease run out.
    api.count("/* test */ with u as (update member_import set status = 'running', finished_at = null, rows_done = 500,"
        + " lease_until = now() - interval '1 hour' where alliance_id = " + a + " and id = " + id
        + " returning 1) select count(*) from u");
    // The same file again takes it over (202) and finishes it; the ledger applies each derived transfer id once.
    assertEquals(id, expect(202, api.postRaw(path(w, false), w.ownerToken(), CSV, body)).getLong("id"));
    assertEquals(700, awaitDone(w, id).getInteger("rowsDone"));
    assertEquals(700 * 1_000_000L + 7000, api.count(issued));
    assertEquals(700, api.count("/* test */ select count(*) from member where alliance_id = " + a));
  }
}

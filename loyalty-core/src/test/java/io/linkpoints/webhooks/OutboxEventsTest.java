package io.linkpoints.webhooks;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.LedgerException;
import io.linkpoints.ledger.Transfer;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The ledger writes its points events into the outbox in the batch's transaction: one per transfer
 * between a member's wallet and a shop, none for holds, voids or a refused or failed command, and
 * each fanned out at once to the endpoints that want it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxEventsTest {
  private Vertx vertx;
  private ApiFixture fx;
  private PosWorld w;
  private PosWorld.Till cafe;
  private PosWorld.Till books;
  private Ledger ledger;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    fx = new ApiFixture(vertx);
    w = new PosWorld(fx, "ob");
    cafe = w.shop("Outbox Café");
    books = w.shop("Outbox Books");
    ledger = fx.app.ledger();
  }

  @AfterAll
  void stop() {
    w.assertLedgerOk();
    fx.close();
    await(vertx.close());
  }

  private long account(AccountKind kind, long owner) {
    return await(ledger.accountOf(w.allianceId, kind, owner)).orElseThrow().id();
  }

  /** The outbox's event for a transfer, or null. */
  private Row eventOf(UUID transferId) {
    var rows = await(fx.app.pool().preparedQuery("/* test */ select type, shop_id, member_id, payload from outbox_event"
        + " where alliance_id = $1 and payload ->> 'transferId' = $2").execute(Tuple.of(w.allianceId,
        transferId.toString())));
    assertTrue(rows.size() <= 1, "one event per transfer");
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  @Test
  void earnRedeemAndRefundEachTellOnceWithTheMembersHandle() {
    PosWorld.Person member = w.member();
    long wallet = w.walletId(member);
    long issuance = account(AccountKind.MERCHANT_ISSUANCE, cafe.shopId());
    long acceptance = account(AccountKind.MERCHANT_ACCEPTANCE, books.shopId());

    UUID earn = UUID.randomUUID();
    await(ledger.transfer(w.allianceId, earn, issuance, wallet, 300, "pos_earn"));
    Row earned = eventOf(earn);
    assertEquals("points.earned", earned.getString("type"));
    assertEquals(cafe.shopId(), earned.getLong("shop_id"));
    assertEquals(member.memberId(), earned.getLong("member_id"));
    JsonObject data = (JsonObject) earned.getValue("payload");
    assertEquals(new JsonObject().put("transferId", earn.toString()).put("shopId", cafe.shopId())
        .put("member", member.handle()).put("points", 300).put("code", "pos_earn"), data);
    assertFalse(data.encode().contains(w.phoneNumber(member)), "no phone number in an event");

    // A hold tells nothing; its capture (120 of 200) is the redemption at the bookshop.
    UUID hold = UUID.randomUUID();
    await(ledger.submit(TransferCommand.hold(w.allianceId, hold, wallet, acceptance, 200, "pos_reserve", 60)));
    assertEquals(null, eventOf(hold));
    UUID post = UUID.randomUUID();
    await(ledger.submit(TransferCommand.post(w.allianceId, post, hold, 120L, "pos_redeem")));
    Row redeemed = eventOf(post);
    assertEquals("points.redeemed", redeemed.getString("type"));
    assertEquals(books.shopId(), redeemed.getLong("shop_id"));
    assertEquals(120L, ((JsonObject) redeemed.getValue("payload")).getLong("points"));

    // A reversal of part of the earn: points.refunded at the café, naming what it reverses.
    Transfer original = await(ledger.transferById(w.allianceId, earn)).orElseThrow();
    UUID reversal = UUID.randomUUID();
    await(ledger.submit(TransferCommand.reversal(w.allianceId, reversal, original, 50, "pos_refund")));
    Row refunded = eventOf(reversal);
    assertEquals("points.refunded", refunded.getString("type"));
    assertEquals(cafe.shopId(), refunded.getLong("shop_id"));
    assertEquals(earn.toString(), ((JsonObject) refunded.getValue("payload")).getString("reversesId"));
  }

  @Test
  void aRefusedTransferTellsNothing() {
    PosWorld.Person member = w.member();
    long wallet = w.walletId(member);
    w.grant(member, cafe, 10);
    UUID tooMuch = UUID.randomUUID();
    Throwable refused = io.linkpoints.testing.Await.failure(ledger.transfer(w.allianceId, tooMuch, wallet,
        account(AccountKind.MERCHANT_ACCEPTANCE, books.shopId()), 11, "pos_redeem"));
    assertTrue(refused instanceof LedgerException, String.valueOf(refused));
    assertEquals(null, eventOf(tooMuch));
  }

  /**
   * A batch that fails in the database (here a test trigger refusing one transfer's row) rolls its
   * events back with it; the writer then runs its commands one by one, and the good ones tell.
   */
  @Test
  void aFailedBatchTellsNothingOfWhatFailed() {
    await(fx.app.pool().query("/* test */ create or replace function outbox_test_refuse() returns trigger"
        + " language plpgsql as $$ begin if new.amount = 777 then raise exception 'refused by the test'; end if;"
        + " return new; end $$").execute());
    await(fx.app.pool().query("/* test */ create trigger outbox_test_refuse before insert on ledger_transfer"
        + " for each row execute function outbox_test_refuse()").execute());
    try {
      PosWorld.Person member = w.member();
      long wallet = w.walletId(member);
      long issuance = account(AccountKind.MERCHANT_ISSUANCE, cafe.shopId());
      List<UUID> good = new ArrayList<>();
      List<Future<Transfer>> sent = new ArrayList<>();
      UUID bad = UUID.randomUUID();
      sent.add(ledger.transfer(w.allianceId, bad, issuance, wallet, 777, "pos_earn"));
      for (int i = 0; i < 5; i++) {
        UUID id = UUID.randomUUID();
        good.add(id);
        sent.add(ledger.transfer(w.allianceId, id, issuance, wallet, 10 + i, "pos_earn"));
      }
      await(Future.join(sent).transform(done -> Future.succeededFuture()));
      assertTrue(sent.get(0).failed(), "the refused row fails its command");
      assertEquals(null, eventOf(bad), "no event for the failed transfer");
      for (UUID id : good) {
        assertEquals("points.earned", eventOf(id).getString("type"));
      }
    } finally {
      await(fx.app.pool().query("/* test */ drop trigger outbox_test_refuse on ledger_transfer").execute());
    }
  }

  /** Each event gets its deliveries in the same statement: one per endpoint that wants it, in reach. */
  @Test
  void eventsFanOutToTheEndpointsThatWantThem() {
    // Endpoints on a public address (never reached: the test looks at the rows only).
    String base = "/v1/alliances/" + w.allianceId + "/webhooks";
    String all = expect(201, fx.post(base, w.adminToken, new JsonObject().put("url", "https://93.184.215.14/all")
        .put("eventTypes", new JsonArray().add("points.earned").add("points.redeemed")))).getString("id");
    String cafeOnly = expect(201, fx.post(base, cafe.ownerToken(), new JsonObject()
        .put("url", "https://93.184.215.14/cafe").put("eventTypes", new JsonArray().add("points.earned"))))
        .getString("id");
    String booksRefunds = expect(201, fx.post(base, books.ownerToken(), new JsonObject()
        .put("url", "https://93.184.215.14/books").put("eventTypes", new JsonArray().add("points.refunded"))))
        .getString("id");
    PosWorld.Person member = w.member();
    UUID earn = UUID.randomUUID();
    await(ledger.transfer(w.allianceId, earn, account(AccountKind.MERCHANT_ISSUANCE, cafe.shopId()),
        w.walletId(member), 40, "pos_earn"));
    var rows = await(fx.app.pool().preparedQuery("/* test */ select d.endpoint_id::text from webhook_delivery d"
        + " join outbox_event e on e.alliance_id = d.alliance_id and e.id = d.event_id"
        + " where d.alliance_id = $1 and e.payload ->> 'transferId' = $2 order by 1")
        .execute(Tuple.of(w.allianceId, earn.toString())));
    List<String> endpoints = new ArrayList<>();
    rows.forEach(r -> endpoints.add(r.getString(0)));
    // The admin's (all events it asked for) and the café's (its shop's earns); not the bookshop's.
    assertEquals(java.util.stream.Stream.of(all, cafeOnly).sorted().toList(), endpoints);
    assertFalse(endpoints.contains(booksRefunds));
    for (String id : List.of(all, cafeOnly, booksRefunds)) {
      expect(200, fx.send(io.vertx.core.http.HttpMethod.DELETE, base + "/" + id, w.adminToken, null));
    }
  }
}

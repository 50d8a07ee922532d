package io.linkpoints.ledger.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.ledger.Account;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.InvariantReport;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.ShopFeed;
import io.linkpoints.ledger.Transfer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The ledger's records as the contract writes them, byte for byte: field order, optional fields
 * absent rather than null, a last page's {@code nextCursor} present as null. (These are the
 * answers the records' own toJson methods gave before rendering moved here.)
 */
class LedgerJsonTest {
  private static final UUID ID = new UUID(1, 2);
  private static final UUID HOLD = new UUID(1, 1);
  private static final Instant AT = Instant.parse("2026-03-15T10:00:00Z");

  @Test
  void aTransferWithoutLinksLeavesThemOut() {
    Transfer t = new Transfer(7, ID, 3, 4, 50, 0, "earn", null, null, null, null, AT);
    assertEquals("{\"allianceId\":7,\"id\":\"00000000-0000-0001-0000-000000000002\",\"debitAccountId\":3,"
        + "\"creditAccountId\":4,\"amount\":50,\"type\":\"single_phase\",\"code\":\"earn\","
        + "\"createdAt\":\"2026-03-15T10:00:00Z\"}", LedgerJson.transfer(t).encode());
  }

  @Test
  void aPostCarriesItsHoldAndMetadata() {
    Transfer t = new Transfer(7, ID, 3, 4, 50, Transfer.POST_PENDING, "capture", HOLD, null, null,
        new JsonObject().put("order", "A-1"), AT);
    assertEquals("{\"allianceId\":7,\"id\":\"00000000-0000-0001-0000-000000000002\",\"debitAccountId\":3,"
        + "\"creditAccountId\":4,\"amount\":50,\"type\":\"post_pending\",\"code\":\"capture\","
        + "\"createdAt\":\"2026-03-15T10:00:00Z\",\"pendingId\":\"00000000-0000-0001-0000-000000000001\","
        + "\"metadata\":{\"order\":\"A-1\"}}", LedgerJson.transfer(t).encode());
  }

  @Test
  void anAccountWithItsBalances() {
    Account a = new Account(7, 3, AccountKind.MEMBER_WALLET, 100, 1, 10, 20, 0, 80);
    assertEquals("{\"allianceId\":7,\"id\":3,\"kind\":\"member_wallet\",\"ownerId\":100,\"flags\":1,"
        + "\"debitsPending\":10,\"debitsPosted\":20,\"creditsPending\":0,\"creditsPosted\":80,"
        + "\"postedBalance\":60,\"availableBalance\":50}", LedgerJson.account(a).encode());
  }

  @Test
  void theLastPageOfHistoryHasANullCursor() {
    Transfer t = new Transfer(7, ID, 3, 4, 50, Transfer.PENDING, "hold", null, null, AT.plusSeconds(60), null, AT);
    assertEquals("{\"items\":[{\"allianceId\":7,\"id\":\"00000000-0000-0001-0000-000000000002\",\"debitAccountId\":3,"
        + "\"creditAccountId\":4,\"amount\":50,\"type\":\"pending\",\"code\":\"hold\","
        + "\"createdAt\":\"2026-03-15T10:00:00Z\",\"timeoutAt\":\"2026-03-15T10:01:00Z\"}],\"nextCursor\":null}",
        LedgerJson.historyPage(new Ledger.HistoryPage(List.of(t), null)).encode());
    assertEquals("{\"items\":[],\"nextCursor\":\"42\"}",
        LedgerJson.historyPage(new Ledger.HistoryPage(List.of(), 42L)).encode());
  }

  @Test
  void anInvariantReportWithItsViolatingRowsInColumnOrder() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("alliance_id", 7L);
    row.put("id", 3L);
    row.put("listed_open", true);
    row.put("note", null);
    InvariantReport report = new InvariantReport(null, AT, List.of(
        new InvariantReport.Finding("balanced", "debits equal credits", List.of()),
        new InvariantReport.Finding("open_holds_match_transfers", "holds", List.of(row))));
    assertEquals("{\"ok\":false,\"allianceId\":null,\"checkedAt\":\"2026-03-15T10:00:00Z\",\"checks\":["
        + "{\"name\":\"balanced\",\"description\":\"debits equal credits\",\"ok\":true,\"violations\":[]},"
        + "{\"name\":\"open_holds_match_transfers\",\"description\":\"holds\",\"ok\":false,\"violations\":"
        + "[{\"alliance_id\":7,\"id\":3,\"listed_open\":true,\"note\":null}]}]}",
        LedgerJson.invariantReport(report).encode());
  }

  @Test
  void aFeedEntry() {
    ShopFeed.Entry e = new ShopFeed.Entry(new ShopFeed.Cursor(905, 12), 12, ID, ShopFeed.Kind.ACCEPT_REVERSED, 30, "refund", AT);
    assertEquals("{\"cursor\":\"905_12\",\"seq\":12,\"id\":\"00000000-0000-0001-0000-000000000002\",\"kind\":\"accept_reversed\","
        + "\"points\":30,\"code\":\"refund\",\"at\":\"2026-03-15T10:00:00Z\"}", LedgerJson.feedEntry(e).encode());
  }
}

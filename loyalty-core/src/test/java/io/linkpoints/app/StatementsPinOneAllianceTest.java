package io.linkpoints.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.testing.AlliancePinning;
import io.linkpoints.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The guarantee a distributed PostgreSQL needs (docs/scaling.md): every statement the whole suite
 * made over a tenant table pins one {@code alliance_id}, joins tenant tables only on it, and uses no
 * ctid or sequence call. Runs last in the module (junit-platform.properties orders classes), over
 * {@code pg_stat_statements} of the embedded server, which saw every statement of every test
 * database of this JVM and of the platforms it started as child processes.
 */
@Order(Integer.MAX_VALUE)
class StatementsPinOneAllianceTest {
  /** Fewer distinct statements than this means the suite did not run before this class. */
  private static final int WHOLE_SUITE = 300;

  /**
   * Columns of tenant tables with a sequence default: each only makes an id unique. Under Citus a
   * sequence of a distributed table still hands out unique values (from the coordinator, or from
   * each worker's own range), so these survive distribution; an order read from them would not.
   */
  private static final Map<String, String> SEQUENCE_DEFAULTS = new TreeMap<>(Map.ofEntries(
      Map.entry("coupon.id", "unique id; coupons are ordered by issued_at"),
      Map.entry("coupon_campaign.id", "unique id"),
      Map.entry("ledger_transfer.seq", "unique within the alliance; the feed orders by (xid, seq) with xid"
          + " first, and never reads seq alone as commit order (docs/scaling.md: the feed on Citus)"),
      Map.entry("member.id", "unique id"),
      Map.entry("member_consent.id", "unique id; a member's latest consent per purpose is its highest id: rows are"
          + " inserted under the member's row lock, so one member's ids follow its changes"),
      Map.entry("member_import.id", "unique id; an import is found by its shop and file hash, or by id"),
      Map.entry("member_notification.id", "unique id; the inbox pages by it, newest first: the cursor is stable, and a"
          + " row committed late is still listed (in the place of its id), never read as the order of commits"),
      Map.entry("notification_delivery.id", "unique id; due deliveries are taken by next_attempt_at, then id"),
      Map.entry("push_subscription.id", "unique id"),
      Map.entry("member_tier_change.id", "unique id; a member's tier history is ordered by id (at, within one member's lock)"),
      Map.entry("passport.id", "unique id; the admin's passports are listed newest first by id"),
      Map.entry("point_adjustment.id", "unique id; a shop's and the alliance's adjustments are listed newest first by id"),
      Map.entry("member_device.id", "unique across alliances, below 10^8 (codes carry it): taken with an explicit"
          + " nextval, which Citus runs on the coordinator's sequence"),
      Map.entry("outbox_event.seq", "orders one alliance's events for delivery in order per endpoint: an alliance's"
          + " rows are inserted on one node, from one sequence, so they increase; never read as commit order across"
          + " transactions (docs/webhooks.md)"),
      Map.entry("settlement_adjustment.id", "unique id"),
      Map.entry("settlement_period.id", "unique id; periods are ordered by their dates"),
      Map.entry("shop.id", "unique id"),
      Map.entry("shop_promotion.id", "unique id; promotions tie-break by created_at, then id, for a stable choice"),
      Map.entry("staff.id", "unique id"),
      Map.entry("terminal.id", "unique id")));

  @Test
  void everyStatementOverATenantTablePinsOneAlliance() throws Exception {
    DatabaseTarget admin = TestDatabase.admin();
    List<String> seen = new ArrayList<>();
    String replay = System.getProperty("pinning.replay");
    if (replay != null) {
      // -Dpinning.replay=target/statements-seen.sql: check an earlier run's statements again.
      for (String sql : Files.readString(Path.of(replay)).split(";\n\n")) {
        seen.add(sql.strip().replaceAll(";$", ""));
      }
    } else {
      seen.addAll(statementsSeen(admin));
    }
    Path report = Path.of("target", "statements-seen.sql");
    if (replay == null) {
      Files.createDirectories(report.getParent());
      Files.writeString(report, String.join(";\n\n", seen) + ";\n", StandardCharsets.UTF_8);
    }
    assertTrue(seen.size() >= WHOLE_SUITE, "only " + seen.size() + " distinct statements seen: this test checks"
        + " what the whole suite did, run it with the others (./mvnw verify)");

    List<AlliancePinning.Finding> findings = new ArrayList<>();
    try (Connection c = connect(TestDatabase.template())) {
      AlliancePinning pinning = new AlliancePinning(c);
      for (String sql : seen) {
        AlliancePinning.Finding finding = pinning.check(sql);
        if (finding != null) {
          findings.add(finding);
        }
      }
    }
    Files.createDirectories(report.getParent());
    Files.writeString(Path.of("target", "statements-unpinned.txt"),
        String.join("\n\n", findings.stream().map(Object::toString).toList()) + "\n", StandardCharsets.UTF_8);
    assertEquals(List.of(), findings, findings.size() + " of " + seen.size()
        + " statements would not run on one shard (target/statements-unpinned.txt)");
  }

  /** Every distinct statement of this JVM's test databases. */
  private static List<String> statementsSeen(DatabaseTarget admin) throws Exception {
    List<String> seen = new ArrayList<>();
    try (Connection c = connect(admin)) {
      try (PreparedStatement installed = c.prepareStatement(
          "select 1 from pg_extension where extname = 'pg_stat_statements'"); ResultSet rows = installed.executeQuery()) {
        Assumptions.assumeTrue(rows.next(), "this server has no pg_stat_statements loaded (the embedded one has)");
      }
      try (PreparedStatement statements = c.prepareStatement("""
          select s.query from pg_stat_statements s join pg_database d on d.oid = s.dbid
           where d.datname like ? group by s.query order by s.query
          """)) {
        statements.setString(1, TestDatabase.databasePrefix() + "%");
        try (ResultSet rows = statements.executeQuery()) {
          while (rows.next()) {
            seen.add(rows.getString(1));
          }
        }
      }
    }
    return seen;
  }

  @Test
  void sequenceDefaultsOnTenantTablesAreTheReviewedOnes() throws Exception {
    try (Connection c = connect(TestDatabase.template())) {
      assertEquals(SEQUENCE_DEFAULTS.keySet(), new AlliancePinning(c).sequenceDefaults());
    }
  }

  @Test
  void theSchemaCanBeDistributedByAlliance() throws Exception {
    try (Connection c = connect(TestDatabase.template())) {
      assertEquals(List.of(), new AlliancePinning(c).schemaProblems());
    }
  }

  /** docs/scaling.md's Citus layout names every table of the schema, each the right way. */
  @Test
  void theScalingPageDistributesExactlyTheTenantTables() throws Exception {
    String page = Files.readString(Path.of("..", "docs", "scaling.md"));
    Set<String> distributed = new java.util.TreeSet<>();
    Matcher d = Pattern.compile("create_distributed_table\\('(\\w+)', 'alliance_id'").matcher(page);
    while (d.find()) {
      distributed.add(d.group(1));
    }
    Set<String> reference = new java.util.TreeSet<>();
    Matcher r = Pattern.compile("create_reference_table\\('(\\w+)'\\)").matcher(page);
    while (r.find()) {
      reference.add(r.group(1));
    }
    try (Connection c = connect(TestDatabase.template())) {
      AlliancePinning pinning = new AlliancePinning(c);
      assertEquals(new java.util.TreeSet<>(pinning.tenantTables()), distributed, "create_distributed_table calls");
      assertEquals(pinning.referenceTables(), reference, "create_reference_table calls");
    }
  }

  /** The checker itself, on statements of known standing over the real schema. */
  @Test
  void theCheckerTellsPinnedFromUnpinned() throws Exception {
    try (Connection c = connect(TestDatabase.template())) {
      AlliancePinning pinning = new AlliancePinning(c);
      assertTrue(pinning.tenantTables().containsAll(Set.of("ledger_account", "ledger_transfer", "shop")),
          pinning.tenantTables().toString());
      assertNull(pinning.check("select * from ledger_account where alliance_id = $1 and id = $2"));
      assertNull(pinning.check("""
          select t.id from ledger_transfer t join ledger_account a
            on a.alliance_id = t.alliance_id and a.id = t.debit_account_id where t.alliance_id = $1"""));
      assertNull(pinning.check("select 1 from alliance where id = $1"));
      assertNull(pinning.check("""
          update ledger_account a set flags = 0 where alliance_id = $1
             and exists (select 1 from ledger_transfer t where t.alliance_id = a.alliance_id)"""));

      assertNotNull(pinning.check("select * from ledger_account where id = $1"));
      assertNotNull(pinning.check("select count(*) from ledger_transfer"));
      assertNotNull(pinning.check("""
          select t.id from ledger_transfer t join ledger_account a on a.id = t.debit_account_id
           where t.alliance_id = $1"""), "a join on anything but the alliance crosses alliances");
      assertNotNull(pinning.check("""
          select 1 from ledger_account a, ledger_transfer t where a.alliance_id = $1 and t.alliance_id = $2"""),
          "two parameters may be two alliances");
      assertNotNull(pinning.check("select * from ledger_account where alliance_id = any($1::bigint[])"));
      assertNotNull(pinning.check("""
          select a.id from unnest($1::bigint[], $2::bigint[]) u(alliance_id, id)
            join ledger_account a on a.alliance_id = u.alliance_id and a.id = u.id"""));
      assertNotNull(pinning.check("select * from ledger_account where alliance_id = $1 and ctid = $2"));
      assertNotNull(pinning.check("delete from ledger_account where flags = $1"));
      assertNull(pinning.check("begin"));
      assertNotNull(pinning.check("""
          select 1 from ledger_account a join ledger_transfer t on t.alliance_id = a.alliance_id
            cross join shop s where s.alliance_id = $1"""), "two tables joined on alliance, but to none pinned");
      assertNotNull(pinning.check("select * from ledger_account where alliance_id = $1 or id = $2"),
          "an OR pins nothing");
      assertNull(pinning.check("""
          select 1 from ledger_account a join ledger_transfer t on t.alliance_id = a.alliance_id
            join shop s on s.alliance_id = t.alliance_id where a.alliance_id = $1"""));
    }
  }

  private static Connection connect(DatabaseTarget target) throws Exception {
    return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
  }
}

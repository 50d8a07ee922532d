package io.linkpoints.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Would this statement run on one shard of a PostgreSQL distributed by {@code alliance_id}
 * (Citus, every tenant table distributed by it and co-located)? Asked of PostgreSQL's own planner:
 * the statement is prepared, forced onto its generic plan and explained, and every scan of a
 * tenant table must be restricted by {@code alliance_id = $n} — one and the same parameter for the
 * whole statement — or by equality with another tenant row's {@code alliance_id} (a co-located
 * join or a correlated subquery); every row inserted into one must take its {@code alliance_id}
 * from that parameter. The planner spreads {@code a.alliance_id = $1 and a.alliance_id = b.alliance_id}
 * to both scans, so a join on the alliance passes and a join on anything else does not.
 *
 * <p>Also refused: {@code ctid} (a row's physical place, meaningless across nodes) and reading or
 * setting a sequence's state ({@code currval}, {@code setval}, {@code lastval}); {@code nextval}
 * (a unique id) is allowed. Column defaults drawing on sequences are reported separately
 * ({@link #sequenceDefaults}) for a reviewed list.
 */
public final class AlliancePinning {
  private static final Pattern PARAMETER = Pattern.compile("\\$(\\d+)");
  private static final Pattern PINNED = Pattern.compile(
      "(?:\\b\\w+\\.)?alliance_id = \\$(\\d+)\\b|\\$(\\d+) = (?:\\w+\\.)?alliance_id\\b");
  private static final Pattern JOINED = Pattern.compile(
      "\\b(\\w+)\\.alliance_id = (\\w+)\\.alliance_id\\b|\\balliance_id = (\\w+)\\.alliance_id\\b");
  private static final Pattern CTID = Pattern.compile("\\bctid\\b", Pattern.CASE_INSENSITIVE);
  // nextval only makes a unique id, which a distributed database still does (on the coordinator);
  // the others read or set a sequence's state, which is not one thing across nodes.
  private static final Pattern SEQUENCE_CALL = Pattern.compile("\\b(currval|setval|lastval)\\s*\\(",
      Pattern.CASE_INSENSITIVE);
  /** How a test marks the statements it makes itself (fixtures, probes): not the product's. */
  public static final String TEST_MARK = "/* test */";
  private static final Pattern WORD = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final Pattern UNTYPED = Pattern.compile("could not determine data type of parameter \\$(\\d+)");
  private static final Pattern ARITHMETIC = Pattern.compile("\\$(\\d+)\\s*[-+*/]|[-+*/]\\s*\\$(\\d+)");
  private static final List<String> CONDITIONS = List.of("Index Cond", "Recheck Cond", "Filter", "TID Cond",
      "Hash Cond", "Merge Cond", "Join Filter");

  /** A statement and what keeps it off one shard. */
  public record Finding(String sql, String problem) {
    @Override
    public String toString() {
      return problem + "\n    " + sql.replaceAll("\\s+", " ");
    }
  }

  private final Connection connection;
  /** Tenant table name to its columns, in the order an insert's plan lists them. */
  private final Map<String, List<String>> tenantTables;

  /** @param connection to a database with the schema (the migrated template); left open */
  public AlliancePinning(Connection connection) throws SQLException {
    this.connection = connection;
    this.tenantTables = tenantTables(connection);
  }

  /** Tables in {@code public} with an {@code alliance_id} column, each with its live columns in order. */
  public Set<String> tenantTables() {
    return tenantTables.keySet();
  }

  /** Tables in {@code public} with no {@code alliance_id}: reference tables (Flyway's history aside). */
  public Set<String> referenceTables() throws SQLException {
    Set<String> found = new TreeSet<>();
    try (Statement s = connection.createStatement(); ResultSet rows = s.executeQuery("""
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname <> 'flyway_schema_history'
        """)) {
      while (rows.next()) {
        if (!tenantTables.containsKey(rows.getString(1))) {
          found.add(rows.getString(1));
        }
      }
    }
    return found;
  }

  /** The problem with {@code sql}, or null when it pins one alliance or touches no tenant table. */
  public Finding check(String sql) throws SQLException {
    String text = sql.strip();
    if (text.startsWith(TEST_MARK) || !isQuery(text) || !namesTenantTable(text)) {
      return null;
    }
    if (CTID.matcher(withoutComments(text)).find()) {
      return new Finding(sql, "uses ctid");
    }
    if (SEQUENCE_CALL.matcher(withoutComments(text)).find()) {
      return new Finding(sql, "calls a sequence function");
    }
    JsonObject plan;
    try {
      plan = genericPlan(text);
    } catch (SQLException e) {
      return new Finding(sql, "could not be planned here: " + e.getMessage().lines().findFirst().orElse(""));
    }
    Walk walk = new Walk();
    walk.collectAliases(plan);
    walk.collectJoins(plan);
    walk.visit(plan);
    walk.checkScans();
    if (walk.problems.isEmpty() && walk.pins.size() > 1) {
      walk.problems.add("pins the alliance with several parameters " + walk.pins + ": one statement, one alliance");
    }
    if (walk.problems.isEmpty() && walk.touchesTenant && walk.pins.isEmpty()) {
      walk.problems.add("touches tenant tables but pins no alliance");
    }
    return walk.problems.isEmpty() ? null : new Finding(sql, String.join("; ", walk.problems));
  }

  /** Columns of tenant tables whose default draws on a sequence, as {@code table.column}. */
  public Set<String> sequenceDefaults() throws SQLException {
    Set<String> found = new TreeSet<>();
    try (Statement s = connection.createStatement(); ResultSet rows = s.executeQuery("""
        select table_name, column_name from information_schema.columns
         where table_schema = 'public' and (column_default like 'nextval(%' or is_identity = 'YES')
        """)) {
      while (rows.next()) {
        if (tenantTables.containsKey(rows.getString(1))) {
          found.add(rows.getString(1) + "." + rows.getString(2));
        }
      }
    }
    return found;
  }

  /**
   * What the schema itself would refuse to distribute: a primary key or unique index of a tenant
   * table without {@code alliance_id} (Citus cannot enforce uniqueness across shards), a foreign
   * key between tenant tables that does not match {@code alliance_id} to {@code alliance_id} (not
   * co-located), and a foreign key from a table that is not a tenant's to one that is.
   */
  public List<String> schemaProblems() throws SQLException {
    List<String> problems = new ArrayList<>();
    try (Statement s = connection.createStatement(); ResultSet rows = s.executeQuery("""
        select t.relname, i.relname,
               exists (select 1 from unnest(x.indkey) k join pg_attribute a
                         on a.attrelid = t.oid and a.attnum = k where a.attname = 'alliance_id')
          from pg_index x join pg_class t on t.oid = x.indrelid join pg_class i on i.oid = x.indexrelid
          join pg_namespace n on n.oid = t.relnamespace
         where n.nspname = 'public' and x.indisunique
        """)) {
      while (rows.next()) {
        if (tenantTables.containsKey(rows.getString(1)) && !rows.getBoolean(3)) {
          problems.add("unique index " + rows.getString(2) + " on " + rows.getString(1) + " lacks alliance_id");
        }
      }
    }
    try (Statement s = connection.createStatement(); ResultSet rows = s.executeQuery("""
        select c.conname, src.relname, dst.relname,
               (select array_agg(a.attname order by k.i) from unnest(c.conkey) with ordinality k(n, i)
                  join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n),
               (select array_agg(a.attname order by k.i) from unnest(c.confkey) with ordinality k(n, i)
                  join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n)
          from pg_constraint c join pg_class src on src.oid = c.conrelid join pg_class dst on dst.oid = c.confrelid
          join pg_namespace n on n.oid = src.relnamespace
         where n.nspname = 'public' and c.contype = 'f'
        """)) {
      while (rows.next()) {
        String name = rows.getString(1);
        boolean fromTenant = tenantTables.containsKey(rows.getString(2));
        boolean toTenant = tenantTables.containsKey(rows.getString(3));
        List<Object> from = List.of((Object[]) rows.getArray(4).getArray());
        List<Object> to = List.of((Object[]) rows.getArray(5).getArray());
        int i = from.indexOf("alliance_id");
        if (toTenant && !fromTenant) {
          problems.add("foreign key " + name + " from " + rows.getString(2) + " (not a tenant's) to tenant table "
              + rows.getString(3));
        } else if (toTenant && (i < 0 || !"alliance_id".equals(to.get(i)))) {
          problems.add("foreign key " + name + " " + rows.getString(2) + from + " -> " + rows.getString(3) + to
              + " does not match alliance_id to alliance_id");
        }
      }
    }
    return problems;
  }

  private final class Walk {
    final Set<Integer> pins = new TreeSet<>();
    final List<String> problems = new ArrayList<>();
    final Set<String> tenantAliases = new TreeSet<>();
    /** Tenant scans by alias, and those known to keep to the statement's alliance. */
    final Map<String, String> scans = new LinkedHashMap<>();
    final Set<String> pinned = new TreeSet<>();
    final Map<String, Set<String>> joins = new LinkedHashMap<>();
    boolean touchesTenant;

    void collectAliases(JsonObject node) {
      if (tenantTables.containsKey(node.getString("Relation Name", ""))) {
        tenantAliases.add(node.getString("Alias", node.getString("Relation Name")));
      }
      JsonArray children = node.getJsonArray("Plans");
      if (children != null) {
        for (int i = 0; i < children.size(); i++) {
          collectAliases(children.getJsonObject(i));
        }
      }
    }

    void visit(JsonObject node) {
      String relation = node.getString("Relation Name");
      if (relation != null && tenantTables.containsKey(relation)) {
        touchesTenant = true;
        if ("ModifyTable".equals(node.getString("Node Type"))) {
          if ("Insert".equals(node.getString("Operation"))) {
            insert(relation, node);
          }
        } else {
          scan(relation, node);
        }
      }
      JsonArray children = node.getJsonArray("Plans");
      if (children != null) {
        for (int i = 0; i < children.size(); i++) {
          visit(children.getJsonObject(i));
        }
      }
    }

    /** A scan must keep to one alliance: by a parameter, or by another tenant row's alliance. */
    void scan(String relation, JsonObject node) {
      if (node.getString("Node Type", "").startsWith("Tid")) {
        problems.add(relation + " read by ctid");
        return;
      }
      String alias = node.getString("Alias", relation);
      scans.put(alias, relation);
      for (String condition : conditionsOf(node)) {
        Matcher pin = PINNED.matcher(condition);
        while (pin.find()) {
          pins.add(Integer.parseInt(pin.group(1) != null ? pin.group(1) : pin.group(2)));
          pinned.add(alias);
        }
      }
    }

    /**
     * The node's conditions that restrict every row (ANDed): a condition with an OR restricts
     * nothing for sure, so {@code alliance_id = $1 or ...} pins nothing.
     */
    List<String> conditionsOf(JsonObject node) {
      List<String> found = new ArrayList<>();
      for (String key : CONDITIONS) {
        String value = node.getString(key);
        if (value != null && !value.contains(" OR ")) {
          found.add(value);
        }
      }
      return found;
    }

    /** Every {@code a.alliance_id = b.alliance_id} anywhere in the plan: a and b are one alliance. */
    void collectJoins(JsonObject node) {
      for (String condition : conditionsOf(node)) {
        Matcher join = JOINED.matcher(condition);
        while (join.find()) {
          String left = join.group(1) != null ? join.group(1) : node.getString("Alias");
          String right = join.group(2) != null ? join.group(2) : join.group(3);
          if (left != null && right != null) {
            joins.computeIfAbsent(left, k -> new TreeSet<>()).add(right);
            joins.computeIfAbsent(right, k -> new TreeSet<>()).add(left);
          }
        }
      }
      JsonArray children = node.getJsonArray("Plans");
      if (children != null) {
        for (int i = 0; i < children.size(); i++) {
          collectJoins(children.getJsonObject(i));
        }
      }
    }

    /** Pinned: by a parameter, or joined on alliance_id, step by step, to a scan that is. */
    void checkScans() {
      java.util.ArrayDeque<String> reached = new java.util.ArrayDeque<>(pinned);
      while (!reached.isEmpty()) {
        for (String next : joins.getOrDefault(reached.poll(), Set.of())) {
          if (tenantAliases.contains(next) && pinned.add(next)) {
            reached.add(next);
          }
        }
      }
      scans.forEach((alias, relation) -> {
        if (!pinned.contains(alias)) {
          problems.add(relation + " (" + alias + ") scanned without alliance_id = $n or a join on it to one that is");
        }
      });
    }

    /** The row source's output lists the table's columns in order: alliance_id's must be a parameter. */
    void insert(String relation, JsonObject node) {
      JsonObject source = rowSource(node);
      int column = tenantTables.get(relation).indexOf("alliance_id");
      String value = null;
      // (column follows alliance_id down: its place may change through an INSERT's kept subquery.)
      // Down through wrappers (subquery scans, sorts, window functions) that pass the column on
      // at the same place, to where its value is made.
      while (source != null) {
        JsonArray output = source.getJsonArray("Output");
        if (output == null || column >= output.size()) {
          break;
        }
        value = output.getString(column);
        Matcher parameter = Pattern.compile("^\\$(\\d+)$").matcher(value);
        if (parameter.matches()) {
          pins.add(Integer.parseInt(parameter.group(1)));
          return;
        }
        if (insertFromPinnedRows(source, value)) {
          return;
        }
        JsonObject next = rowSource(source);
        JsonArray nextOutput = next == null ? null : next.getJsonArray("Output");
        if (nextOutput != null && nextOutput.size() != output.size() && value.startsWith("\"*SELECT*\".")) {
          // INSERT ... SELECT whose subquery the planner kept (an order by): its scan lists the table's
          // columns, the ones the insert leaves to their defaults (seq, txid) made there; the others
          // are the subquery's outputs, in order. alliance_id is the subquery's output of that rank.
          int rank = 0;
          for (int i = 0; i < column; i++) {
            if (output.getString(i).startsWith("\"*SELECT*\".")) {
              rank++;
            }
          }
          if (rank < nextOutput.size()) {
            column = rank;
            source = next;
            continue;
          }
        }
        if (nextOutput == null || nextOutput.size() != output.size()) {
          break;
        }
        source = next;
      }
      problems.add("insert into " + relation + " takes alliance_id from " + value + ", not one parameter");
    }

    /** The child that feeds a node its rows (not an InitPlan or SubPlan beside it). */
    JsonObject rowSource(JsonObject node) {
      JsonArray children = node.getJsonArray("Plans");
      if (children == null) {
        return null;
      }
      for (int i = 0; i < children.size(); i++) {
        JsonObject child = children.getJsonObject(i);
        String role = child.getString("Parent Relationship", "Outer");
        if (role.equals("Outer") || role.equals("Subquery") || role.equals("Member")) {
          return child;
        }
      }
      return null;
    }

    /** INSERT ... SELECT from tenant rows that are themselves pinned: alliance_id copied from them. */
    boolean insertFromPinnedRows(JsonObject source, String value) {
      Matcher column = Pattern.compile("^(\\w+)\\.alliance_id$").matcher(value);
      if (!column.matches()) {
        return false;
      }
      String alias = column.group(1);
      return scansTenantAs(source, alias);
    }

    boolean scansTenantAs(JsonObject node, String alias) {
      if (alias.equals(node.getString("Alias")) && tenantTables.containsKey(node.getString("Relation Name"))) {
        return true;
      }
      JsonArray children = node.getJsonArray("Plans");
      if (children != null) {
        for (int i = 0; i < children.size(); i++) {
          if (scansTenantAs(children.getJsonObject(i), alias)) {
            return true;
          }
        }
      }
      return false;
    }
  }

  /**
   * pg_stat_statements shows constants as parameters too ({@code limit $4 + $5} for {@code limit
   * $4 + 1}), some of which PostgreSQL cannot type alone: typed then as text, or as bigint beside
   * arithmetic, and tried again.
   */
  private JsonObject genericPlan(String sql) throws SQLException {
    int parameters = 0;
    Matcher m = PARAMETER.matcher(sql);
    while (m.find()) {
      parameters = Math.max(parameters, Integer.parseInt(m.group(1)));
    }
    String[] types = new String[parameters];
    java.util.Arrays.fill(types, "unknown");
    for (int attempt = 0; ; attempt++) {
      try {
        return genericPlan(sql, types);
      } catch (SQLException e) {
        String message = String.valueOf(e.getMessage());
        Matcher untyped = UNTYPED.matcher(message);
        if (attempt < parameters && untyped.find()) {
          types[Integer.parseInt(untyped.group(1)) - 1] = "text";
        } else if (attempt == 0 && message.contains("operator is not unique")) {
          Matcher arithmetic = ARITHMETIC.matcher(sql);
          while (arithmetic.find()) {
            types[Integer.parseInt(arithmetic.group(arithmetic.group(1) != null ? 1 : 2)) - 1] = "bigint";
          }
        } else {
          throw e;
        }
      }
    }
  }

  private JsonObject genericPlan(String sql, String[] types) throws SQLException {
    int parameters = types.length;
    StringBuilder nulls = new StringBuilder();
    for (int i = 0; i < parameters; i++) {
      nulls.append(i == 0 ? "" : ", ").append("null");
    }
    try (Statement s = connection.createStatement()) {
      s.execute("set plan_cache_mode = force_generic_plan");
      s.execute("deallocate all");
      s.execute("prepare pinned_q" + (parameters == 0 ? "" : "(" + String.join(", ", types) + ")") + " as " + sql);
      try (ResultSet plan = s.executeQuery("explain (verbose, costs off, format json) execute pinned_q"
          + (parameters == 0 ? "" : "(" + nulls + ")"))) {
        plan.next();
        return new JsonArray(plan.getString(1)).getJsonObject(0).getJsonObject("Plan");
      } finally {
        s.execute("deallocate all");
      }
    }
  }

  private boolean namesTenantTable(String sql) {
    Matcher word = WORD.matcher(withoutComments(sql).toLowerCase());
    while (word.find()) {
      if (tenantTables.containsKey(word.group())) {
        return true;
      }
    }
    return false;
  }

  private static boolean isQuery(String sql) {
    String head = withoutComments(sql).stripLeading().toLowerCase();
    return head.startsWith("select") || head.startsWith("insert") || head.startsWith("update")
        || head.startsWith("delete") || head.startsWith("with");
  }

  private static String withoutComments(String sql) {
    return sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ");
  }

  private static Map<String, List<String>> tenantTables(Connection connection) throws SQLException {
    Map<String, List<String>> columns = new LinkedHashMap<>();
    try (Statement s = connection.createStatement(); ResultSet rows = s.executeQuery("""
        select c.relname, a.attname
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
         where n.nspname = 'public' and c.relkind in ('r', 'p')
           and exists (select 1 from pg_attribute x where x.attrelid = c.oid and x.attname = 'alliance_id'
                        and not x.attisdropped)
         order by c.relname, a.attnum
        """)) {
      while (rows.next()) {
        columns.computeIfAbsent(rows.getString(1), k -> new ArrayList<>()).add(rows.getString(2));
      }
    }
    return columns;
  }
}

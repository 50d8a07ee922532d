package io.linkpoints.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The hash-chained audit log of an alliance. Appends are serialised per alliance by the lock on
 * its chain head row (audit_head), taken by an upsert in the append's own transaction, so any
 * number of instances append one after the other and the chain never forks.
 */
public final class AuditLog {
  // Makes the head row if missing and locks it either way (the no-op update): one append at a time per alliance.
  private static final String LOCK_HEAD = "insert into audit_head (alliance_id, seq, hash) values ($1, 0, $2)"
      + " on conflict (alliance_id) do update set seq = audit_head.seq returning seq, hash";
  private static final String INSERT = "insert into audit_log (" + AuditRecord.COLUMNS + ")"
      + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
  private static final String MOVE_HEAD = "update audit_head set seq = $2, hash = $3 where alliance_id = $1";
  private static final String PAGE = "select " + AuditRecord.COLUMNS + " from audit_log where alliance_id = $1"
      + " and seq > $2 order by seq limit $3";
  private static final String HEAD_NOW = "select seq, hash from audit_head where alliance_id = $1";
  private static final int VERIFY_PAGE = 1000;

  private final Pool pool;
  private final Clock clock;

  public AuditLog(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Appends one record; the detail is a JSON object, hashed as the text stored. */
  public Future<AuditRecord> append(long allianceId, String actorRole, long actorId, String action, String target,
      JsonObject detail) {
    return pool.withTransaction(conn -> append(conn, allianceId, actorRole, actorId, action, target, detail));
  }

  /**
   * Appends one record in the caller's transaction, so the change it records and the record commit
   * together (or neither does).
   */
  public Future<AuditRecord> append(SqlConnection conn, long allianceId, String actorRole, long actorId, String action,
      String target, JsonObject detail) {
    Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
    String text = detail == null ? "{}" : detail.encode();
    return conn.preparedQuery(LOCK_HEAD).execute(Tuple.of(allianceId, AuditRecord.GENESIS))
        .compose(rows -> {
          Row head = rows.iterator().next();
          long seq = head.getLong("seq") + 1;
          String prev = seq == 1 ? AuditRecord.GENESIS : head.getString("hash");
          AuditRecord unsigned = new AuditRecord(allianceId, seq, at, actorRole, actorId, action, target, text, prev, null);
          AuditRecord record = new AuditRecord(allianceId, seq, at, actorRole, actorId, action, target, text, prev,
              unsigned.expectedHash());
          return conn.preparedQuery(INSERT).execute(Tuple.from(new Object[] {allianceId, seq,
                  at.atOffset(ZoneOffset.UTC), actorRole, actorId, action, target, text, prev, record.hash()}))
              .compose(v -> conn.preparedQuery(MOVE_HEAD).execute(Tuple.of(allianceId, seq, record.hash())))
              .map(v -> record);
        });
  }

  /** One page of records in chain order; {@code nextCursor} (the last seq) is null on the last page. */
  public record Page(List<AuditRecord> items, Long nextCursor) {
  }

  /** Where the chain first breaks: the seq of the record that does not follow, and why. */
  public record Break(long seq, String reason) {
  }

  /**
   * A walk of the whole chain: {@code records} checked before the first break (or all of them); the head's
   * hash when the chain is whole ({@code firstBroken} null), else null.
   */
  public record ChainCheck(long allianceId, long records, Break firstBroken, String headHash) {
    public boolean ok() {
      return firstBroken == null;
    }
  }

  public Future<Page> records(long allianceId, long afterSeq, int limit) {
    return pool.preparedQuery(PAGE).execute(Tuple.of(allianceId, afterSeq, limit)).map(rows -> {
      List<AuditRecord> items = new ArrayList<>();
      for (Row r : rows) {
        items.add(AuditRecord.fromRow(r));
      }
      return new Page(items, items.size() == limit ? items.get(items.size() - 1).seq() : null);
    });
  }

  /**
   * Walks the chain from the first record: each record must follow the one before (seq + 1),
   * carry the previous record's hash, and hash to what it carries; the last one must be the head.
   * Names the first record that does not.
   */
  public Future<ChainCheck> checkChain(long allianceId) {
    return pool.preparedQuery(HEAD_NOW).execute(Tuple.of(allianceId)).compose(head -> {
      long headSeq = head.size() == 0 ? 0 : head.iterator().next().getLong("seq");
      String headHash = head.size() == 0 ? AuditRecord.GENESIS : head.iterator().next().getString("hash");
      return walk(allianceId, 0, AuditRecord.GENESIS, 0).map(state -> {
        if (state.broken != null) {
          return new ChainCheck(allianceId, state.checked, state.broken, null);
        }
        if (state.lastSeq != headSeq || !state.lastHash.equals(headHash)) {
          return new ChainCheck(allianceId, state.checked, new Break(state.lastSeq + 1,
              "the chain ends at " + state.lastSeq + " but its head is at " + headSeq
                  + " (records missing from the end, or the head was changed)"), null);
        }
        return new ChainCheck(allianceId, state.checked, null, headHash);
      });
    });
  }

  private record Walk(long lastSeq, String lastHash, long checked, Break broken) {
  }

  private Future<Walk> walk(long allianceId, long afterSeq, String prevHash, long checked) {
    return pool.preparedQuery(PAGE).execute(Tuple.of(allianceId, afterSeq, VERIFY_PAGE)).compose(rows -> {
      long seq = afterSeq;
      String prev = prevHash;
      long count = checked;
      for (Row r : rows) {
        AuditRecord rec = AuditRecord.fromRow(r);
        String reason = null;
        if (rec.seq() != seq + 1) {
          reason = "record " + (seq + 1) + " is missing (next is " + rec.seq() + ")";
        } else if (!rec.prevHash().equals(prev)) {
          reason = "its prev_hash does not match the hash of record " + seq;
        } else if (!rec.hash().equals(rec.expectedHash())) {
          reason = "its content does not match its hash (the record was changed)";
        }
        if (reason != null) {
          return Future.succeededFuture(new Walk(seq, prev, count, new Break(Math.min(rec.seq(), seq + 1), reason)));
        }
        seq = rec.seq();
        prev = rec.hash();
        count++;
      }
      if (rows.size() < VERIFY_PAGE) {
        return Future.succeededFuture(new Walk(seq, prev, count, null));
      }
      return walk(allianceId, seq, prev, count);
    });
  }
}

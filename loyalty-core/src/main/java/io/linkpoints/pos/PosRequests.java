package io.linkpoints.pos;

import io.linkpoints.auth.Secrets;
import io.linkpoints.platform.GroupedQuery;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The idempotency record of state-changing POS calls: (alliance, terminal, key) → a fingerprint
 * of the request and, once there is one, its answer. The same key with the same request gets
 * the first answer; with another request, {@code idempotency_key_reused}. A record without an
 * answer (the call is still running, or was cut short by a crash) is run again: everything a
 * call does is named from its key, so running it again finds what it already did, and a rerun
 * first looks for it: its answer is what the ledger holds, whatever expired in between.
 */
public final class PosRequests {
  /** The record's insert, its six values to fill in ({@link PosMembers#OPEN_BY_CODE} makes it part of its own). */
  static final String BEGIN_STATEMENT = "insert into pos_request (alliance_id, terminal_id, idempotency_key, operation,"
      + " fingerprint, created_at) values (%s, %s, %s, %s, %s, %s) on conflict do nothing returning 1";
  private static final String BEGIN = BEGIN_STATEMENT.formatted("$1", "$2", "$3", "$4", "$5", "$6");
  private static final String FIND = "select operation, fingerprint, status_code, response from pos_request"
      + " where alliance_id = $1 and terminal_id = $2 and idempotency_key = $3";
  private static final String FINISH = "update pos_request set status_code = $4, response = $5, completed_at = $6"
      + " where alliance_id = $1 and terminal_id = $2 and idempotency_key = $3 and status_code is null returning 1";

  private final Pool pool;
  private final Clock clock;
  // Every POS call begins and finishes a record: concurrent calls share round trips.
  private final GroupedQuery begin;
  private final GroupedQuery finish;

  public PosRequests(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    this.begin = new GroupedQuery(pool, BEGIN);
    this.finish = new GroupedQuery(pool, FINISH);
  }

  /**
   * Where a request stands when it arrives: its recorded answer, if it has one; else it is to be
   * run, as a {@code rerun} when an earlier run began it (cut short by a crash, or still running).
   */
  public record Begun(Optional<RecordedAnswer> stored, boolean rerun) {
  }

  /** Claims the key for this request: the recorded answer if it already has one, else run it (again?). */
  public Future<Begun> begin(Caller c, String key, String operation, JsonObject body) {
    String fingerprint = fingerprint(operation, body);
    return begin.execute(Tuple.of(c.allianceId(), c.terminalId(), key, operation, fingerprint,
            clock.instant().atOffset(ZoneOffset.UTC)))
        .compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture(new Begun(Optional.empty(), false))
            : find(c, key).map(found -> {
              Row row = found.orElseThrow(() -> new IllegalStateException("idempotency record vanished: " + key));
              if (!fingerprint.equals(row.getString("fingerprint"))) {
                throw ProblemCode.IDEMPOTENCY_KEY_REUSED.refuse(
                    "this Idempotency-Key was already used for a different request");
              }
              return new Begun(stored(row).map(RecordedAnswer::asReplay), true);
            }));
  }

  /** Records the answer; if another run of the same request recorded one first, that one is the answer. */
  public Future<RecordedAnswer> finish(Caller c, String key, RecordedAnswer answer) {
    return finish.execute(Tuple.of(c.allianceId(), c.terminalId(), key, answer.status(),
            answer.body(), clock.instant().atOffset(ZoneOffset.UTC)))
        .compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture(answer)
            : find(c, key).map(found -> found.flatMap(PosRequests::stored).map(RecordedAnswer::asReplay)
                .orElse(answer)));
  }

  /**
   * Where the request with a key stands: {@code operation} unless it is unknown, the recorded
   * {@code answer} once it is completed (else null).
   */
  public record RequestStatus(String idempotencyKey, State state, String operation, RecordedAnswer answer) {
    public enum State {
      UNKNOWN, IN_PROGRESS, COMPLETED
    }
  }

  /** What became of the request with this key: completed (with its answer), in progress, or unknown. */
  public Future<RequestStatus> status(Caller c, String key) {
    return find(c, key).map(found -> {
      if (found.isEmpty()) {
        return new RequestStatus(key, RequestStatus.State.UNKNOWN, null, null);
      }
      Row row = found.get();
      Optional<RecordedAnswer> answer = stored(row);
      return new RequestStatus(key, answer.isEmpty() ? RequestStatus.State.IN_PROGRESS : RequestStatus.State.COMPLETED,
          row.getString("operation"), answer.orElse(null));
    });
  }

  private Future<Optional<Row>> find(Caller c, String key) {
    return pool.preparedQuery(FIND).execute(Tuple.of(c.allianceId(), c.terminalId(), key))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  /** The answer recorded in the row, if any. Its body is stored JSON (jsonb): what was sent, replayed as it was. */
  private static Optional<RecordedAnswer> stored(Row row) {
    Integer status = row.getInteger("status_code");
    if (status == null) {
      return Optional.empty();
    }
    Object body = row.getValue("response");
    return Optional.of(new RecordedAnswer(status, body instanceof JsonObject json ? json : new JsonObject(), false));
  }

  /**
   * SHA-256 of the operation and the body with keys sorted: the same request however its JSON is
   * spelled. {@code offline} and {@code scannedAt} are left out: they say how the call travelled
   * (queued at a till that had no network, and since when), not what it asks, and a till replays
   * the very call it first tried online.
   */
  static String fingerprint(String operation, JsonObject body) {
    StringBuilder out = new StringBuilder(operation).append('\n');
    JsonObject meaning = body.copy();
    meaning.remove("offline");
    meaning.remove("scannedAt");
    canonical(meaning, out);
    return Secrets.sha256(out.toString());
  }

  private static void canonical(Object value, StringBuilder out) {
    if (value instanceof JsonObject o) {
      List<String> names = new ArrayList<>(o.fieldNames());
      names.sort(null);
      out.append('{');
      for (String name : names) {
        out.append(io.vertx.core.json.Json.encode(name)).append(':');
        canonical(o.getValue(name), out);
        out.append(',');
      }
      out.append('}');
    } else if (value instanceof JsonArray a) {
      out.append('[');
      for (Object item : a) {
        canonical(item, out);
        out.append(',');
      }
      out.append(']');
    } else {
      out.append(io.vertx.core.json.Json.encode(value));
    }
  }
}

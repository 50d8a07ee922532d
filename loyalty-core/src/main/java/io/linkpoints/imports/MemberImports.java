package io.linkpoints.imports;

import io.linkpoints.auth.Principal;
import io.linkpoints.auth.Secrets;
import io.linkpoints.ledger.Account;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.LeavingShops;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Member imports. A file is first read whole on disk (the request body streamed to a temporary
 * file, never into memory), then checked row by row in batches: a dry run answers the counts and
 * the first errors; an import with any bad row is refused whole, so nothing is ever half-applied.
 * An accepted import is one {@code member_import} row keyed by the file's SHA-256 and the shop;
 * applying it (members, wallets, opening balances) runs in the background in batches, each
 * idempotent: a member is inserted on its phone or found, and its opening balance is a transfer
 * whose id is derived from the import key and the phone, so a crash mid-way and the same file
 * sent again finish the import without issuing anything twice.
 */
public final class MemberImports {
  static final int BATCH = 500;
  static final int MAX_ERRORS_SHOWN = 100;
  /** How long a running import is left to the instance applying it before the same file sent again takes it over. */
  static final Duration LEASE = Duration.ofMinutes(2);
  public static final String TRANSFER_CODE = "member_import";

  private static final String ZONE = "select time_zone from alliance where id = $1";
  private static final String SHOP = "select 1 from shop where alliance_id = $1 and id = $2";
  private static final String EXISTING = "select count(*) as n from member where alliance_id = $1 and phone = any($2)";
  private static final String BY_KEY = "select * from member_import where alliance_id = $1 and shop_id = $2"
      + " and sha256 = $3";
  static final int LISTED = 100;
  private static final String LIST = "select * from member_import where alliance_id = $1 and shop_id = $2"
      + " order by id desc limit " + LISTED;
  private static final String BY_ID = "select * from member_import where alliance_id = $1 and id = $2";
  private static final String CREATE = "insert into member_import (alliance_id, shop_id, sha256, status, rows_total,"
      + " new_members, matched_members, points_total, created_by, created_at, lease_until)"
      + " values ($1, $2, $3, 'running', $4, $5, $6, $7, $8, $9, $10)"
      + " on conflict (alliance_id, shop_id, sha256) do nothing returning *";
  /** Takes over a running import whose lease ran out (its instance crashed): one taker wins. */
  private static final String TAKE_OVER = "update member_import set lease_until = $3, rows_done = 0"
      + " where alliance_id = $1 and id = $2 and status = 'running' and lease_until < $4 returning *";
  private static final String PROGRESS = "update member_import set rows_done = $3, lease_until = $4"
      + " where alliance_id = $1 and id = $2 and status = 'running'";
  private static final String FINISH = "update member_import set status = 'done', rows_done = rows_total,"
      + " finished_at = $3 where alliance_id = $1 and id = $2 and status = 'running' returning *";
  private static final String INSERT_MEMBERS = "insert into member (alliance_id, phone, handle, name, birth_year,"
      + " birth_month, birth_day)"
      + " select $1, t.phone, t.handle, t.name, t.y, t.m, t.d"
      + " from unnest($2::text[], $3::text[], $4::text[], $5::smallint[], $6::smallint[], $7::smallint[])"
      + "   as t(phone, handle, name, y, m, d)"
      + " on conflict (alliance_id, phone) do nothing";
  private static final String MEMBER_IDS = "select id, phone from member where alliance_id = $1 and phone = any($2)";

  private static final Logger log = LoggerFactory.getLogger(MemberImports.class);

  private final Vertx vertx;
  private final Pool pool;
  private final Ledger ledger;
  private final Clock clock;

  public MemberImports(Vertx vertx, Pool pool, Ledger ledger, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** One bad row: its number (the header is row 1), its code and what is wrong. */
  public record RowError(int row, String code, String detail) {
  }

  /** A file checked: counts and the first errors. */
  public record Check(boolean dryRun, int rows, int newMembers, int matchedMembers, long points, int errorCount,
      List<RowError> errors) {
    public boolean ok() {
      return errorCount == 0;
    }

    Check asDryRun(boolean dry) {
      return new Check(dry, rows, newMembers, matchedMembers, points, errorCount, errors);
    }
  }

  /** An import and its progress. */
  public record Import(long id, long shopId, String status, int rowsTotal, int rowsDone, int newMembers,
      int matchedMembers, long points, String sha256, Instant createdAt, Instant finishedAt) {
  }

  /** What an upload answered: a check (a dry run's or a refusal's), or an import (new or the earlier one). */
  public record Outcome(int status, Check check, Import result) {
    static Outcome of(int status, Check check) {
      return new Outcome(status, check, null);
    }

    static Outcome of(int status, Import result) {
      return new Outcome(status, null, result);
    }
  }

  /** Checks the shop exists, for the routes before the body is read. */
  public Future<Void> requireShop(long allianceId, long shopId) {
    return pool.preparedQuery(SHOP).execute(Tuple.of(allianceId, shopId)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.shopNotFound(shopId);
      }
      return null;
    });
  }

  /**
   * Handles an uploaded file (already on disk at {@code upload}; deleted when done), a CSV or, if
   * {@code xlsx}, a spreadsheet first turned into the same CSV (the import is still keyed by the
   * SHA-256 of the bytes uploaded). A dry run answers 200 with the check; an import answers 422 with
   * the check if any row is bad, 200 with the earlier import for a file already imported by this
   * shop, else 202 with the new import, applied in the background.
   */
  public Future<Outcome> upload(Principal who, long allianceId, long shopId, Path upload, boolean xlsx,
      boolean dryRun) {
    if (!xlsx) {
      return upload(who, allianceId, shopId, upload, null, dryRun);
    }
    // The spreadsheet is turned into a CSV on a worker; that CSV is the inner upload's (and deleted as it is).
    return vertx.executeBlocking(() -> {
      String sha = sha256(upload);
      Path csv = Files.createTempFile("member-import", ".csv");
      try {
        XlsxToCsv.convert(upload, csv);
        return new Converted(csv, sha);
      } catch (RuntimeException e) {
        Files.deleteIfExists(csv);
        throw e;
      }
    }).compose(c -> upload(who, allianceId, shopId, c.csv(), c.sha(), dryRun)).andThen(ar -> delete(upload));
  }

  private record Converted(Path csv, String sha) {
  }

  /** The CSV {@code file}; {@code uploadedSha} the key of the bytes uploaded, null when they are the file's. */
  private Future<Outcome> upload(Principal who, long allianceId, long shopId, Path file, String uploadedSha,
      boolean dryRun) {
    Future<Outcome> outcome = zone(allianceId).compose(zone -> {
      LocalDate today = LocalDate.now(clock.withZone(zone));
      if (dryRun) {
        return check(allianceId, file, today).map(c -> Outcome.of(200, c.asDryRun(true)));
      }
      // Opening balances are points the shop issues: none once its exit has started (docs/shop-exit.md).
      Future<String> key = LeavingShops.refuseIfLeaving(pool, allianceId, shopId).compose(ok -> uploadedSha != null
          ? Future.succeededFuture(uploadedSha) : vertx.executeBlocking(() -> sha256(file)));
      return key.compose(sha ->
          pool.preparedQuery(BY_KEY).execute(Tuple.of(allianceId, shopId, sha)).compose(found -> {
            if (found.size() == 1) {
              return again(allianceId, shopId, found.iterator().next(), file, zone);
            }
            return check(allianceId, file, today).compose(c -> {
              if (!c.ok()) {
                return Future.succeededFuture(Outcome.of(422, c.asDryRun(false)));
              }
              OffsetDateTime now = now();
              return pool.preparedQuery(CREATE).execute(Tuple.from(List.of(allianceId, shopId, sha, c.rows(),
                  c.newMembers(), c.matchedMembers(), c.points(), who.role().claim() + ":" + who.subjectId(), now,
                  now.plus(LEASE)))).compose(created -> {
                    if (created.size() == 0) { // the same file, sent at the same moment, won
                      return pool.preparedQuery(BY_KEY).execute(Tuple.of(allianceId, shopId, sha))
                          .map(rows -> Outcome.of(200, fromRow(rows.iterator().next())));
                    }
                    Row row = created.iterator().next();
                    startApplying(allianceId, shopId, row.getLong("id"), sha, file, zone);
                    return Future.succeededFuture(Outcome.of(202, fromRow(row)));
                  });
            });
          }));
    });
    // The file is the applier's once it runs; otherwise it goes now.
    return outcome.andThen(ar -> {
      if (ar.failed() || ar.result().status() != 202) {
        delete(file);
      }
    });
  }

  /** The same file again: the earlier import, taken over and finished if its applier died. */
  private Future<Outcome> again(long allianceId, long shopId, Row earlier, Path file, ZoneId zone) {
    long id = earlier.getLong("id");
    if (!"running".equals(earlier.getString("status"))) {
      return Future.succeededFuture(Outcome.of(200, fromRow(earlier)));
    }
    OffsetDateTime now = now();
    return pool.preparedQuery(TAKE_OVER).execute(Tuple.of(allianceId, id, now.plus(LEASE), now)).map(taken -> {
      if (taken.size() == 0) {
        return Outcome.of(200, fromRow(earlier)); // still being applied elsewhere
      }
      startApplying(allianceId, shopId, id, earlier.getString("sha256"), file, zone);
      return Outcome.of(202, fromRow(taken.iterator().next()));
    });
  }

  /** An import's progress. */
  public Future<Import> get(long allianceId, long shopId, long id) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(allianceId, id)).map(rows -> {
      if (rows.size() == 0 || rows.iterator().next().getLong("shop_id") != shopId) {
        throw ApiException.notFound("member import " + id);
      }
      return fromRow(rows.iterator().next());
    });
  }

  /** The shop's latest imports, newest first. */
  public Future<List<Import>> list(long allianceId, long shopId) {
    return requireShop(allianceId, shopId).compose(v -> pool.preparedQuery(LIST).execute(Tuple.of(allianceId, shopId)))
        .map(rows -> {
          List<Import> imports = new ArrayList<>(rows.size());
          for (Row row : rows) {
            imports.add(fromRow(row));
          }
          return imports;
        });
  }

  // ---- checking

  private Future<Check> check(long allianceId, Path file, LocalDate today) {
    return vertx.executeBlocking(() -> open(file, today)).compose(reader -> {
      Promise<Check> done = Promise.promise();
      checkFrom(allianceId, reader, new int[4], new long[1], new ArrayList<>(), done);
      return done.future().andThen(ar -> closeQuietly(reader));
    }).recover(e -> Future.failedFuture(readError(e)));
  }

  /** counts: rows, new, matched, errors. */
  private void checkFrom(long allianceId, ImportFile reader, int[] counts, long[] points, List<RowError> errors,
      Promise<Check> done) {
    vertx.executeBlocking(() -> reader.next(BATCH)).compose(rows -> {
      if (rows.isEmpty()) {
        done.tryComplete(new Check(true, counts[0], counts[1], counts[2], points[0], counts[3], errors));
        return Future.succeededFuture();
      }
      List<String> phones = new ArrayList<>(rows.size());
      for (ImportFile.Row r : rows) {
        counts[0]++;
        if (r.ok()) {
          phones.add(r.phone());
          points[0] += r.points();
        } else {
          counts[3]++;
          if (errors.size() < MAX_ERRORS_SHOWN) {
            errors.add(new RowError(r.number(), r.error(), r.detail()));
          }
        }
      }
      return pool.preparedQuery(EXISTING).execute(Tuple.of(allianceId, (Object) phones.toArray(String[]::new))).map(rs -> {
        long existing = rs.iterator().next().getLong("n");
        counts[2] += (int) existing;
        counts[1] += phones.size() - (int) existing;
        return null;
      }).onSuccess(v -> checkFrom(allianceId, reader, counts, points, errors, done));
    }).onFailure(done::tryFail);
  }

  // ---- applying

  private void startApplying(long allianceId, long shopId, long importId, String sha, Path file, ZoneId zone) {
    ledger.openAccount(allianceId, AccountKind.MERCHANT_ISSUANCE, shopId)
        .compose(issuance -> vertx.executeBlocking(() -> open(file, null)).compose(reader -> {
          Promise<Void> done = Promise.promise();
          applyFrom(new Applying(allianceId, importId, sha, issuance, zone, reader), 0, done);
          return done.future().andThen(ar -> closeQuietly(reader));
        }))
        .compose(v -> pool.preparedQuery(FINISH).execute(Tuple.of(allianceId, importId, now())))
        .onComplete(ar -> {
          if (ar.failed()) {
            // The import stays running: its lease runs out and the same file sent again finishes it.
            log.warn("member import {} of alliance {} stopped: {}", importId, allianceId, ar.cause().toString());
          }
          delete(file);
        });
  }

  private record Applying(long allianceId, long importId, String sha, Account issuance, ZoneId zone,
      ImportFile reader) {
  }

  private void applyFrom(Applying a, int done, Promise<Void> finished) {
    vertx.executeBlocking(() -> a.reader().next(BATCH)).compose(rows -> {
      if (rows.isEmpty()) {
        finished.tryComplete();
        return Future.succeededFuture();
      }
      return applyBatch(a, rows).compose(v -> pool.preparedQuery(PROGRESS)
          .execute(Tuple.of(a.allianceId(), a.importId(), done + rows.size(), now().plus(LEASE))))
          .onSuccess(v -> applyFrom(a, done + rows.size(), finished));
    }).onFailure(finished::tryFail);
  }

  private Future<Void> applyBatch(Applying a, List<ImportFile.Row> rows) {
    int n = rows.size();
    String[] phones = new String[n];
    String[] handles = new String[n];
    String[] names = new String[n];
    Short[] years = new Short[n];
    Short[] months = new Short[n];
    Short[] days = new Short[n];
    for (int i = 0; i < n; i++) {
      ImportFile.Row r = rows.get(i);
      if (!r.ok()) { // checked before the import was accepted; the file on disk is the one checked
        return Future.failedFuture(new IllegalStateException("row " + r.number() + " is bad: " + r.error()));
      }
      phones[i] = r.phone();
      handles[i] = Secrets.randomToken(16);
      names[i] = r.name();
      years[i] = r.birthYear() == null ? null : r.birthYear().shortValue();
      months[i] = r.birthMonth() == null ? null : r.birthMonth().shortValue();
      days[i] = r.birthDay() == null ? null : r.birthDay().shortValue();
    }
    return pool.preparedQuery(INSERT_MEMBERS)
        .execute(Tuple.of(a.allianceId(), phones, handles, names, years, months, days))
        .compose(v -> pool.preparedQuery(MEMBER_IDS).execute(Tuple.of(a.allianceId(), (Object) phones)))
        .compose(found -> {
          Map<String, Long> ids = new HashMap<>(n * 2);
          for (Row row : found) {
            ids.put(row.getString("phone"), row.getLong("id"));
          }
          List<Future<?>> each = new ArrayList<>(n);
          for (ImportFile.Row r : rows) {
            long memberId = ids.get(r.phone());
            Future<Account> wallet = ledger.openAccount(a.allianceId(), AccountKind.MEMBER_WALLET, memberId);
            each.add(r.points() == 0 ? wallet : wallet.compose(w -> {
              TransferCommand t = TransferCommand.transfer(a.allianceId(), transferId(a.sha(), r.phone()),
                  a.issuance().id(), w.id(), r.points(), TRANSFER_CODE)
                  .withMetadata(new JsonObject().put("importId", a.importId()).put("row", r.number()));
              if (r.expiresOn() != null) {
                // Expires at the end of its day in the alliance's zone.
                t = t.withLotExpiry(r.expiresOn().plusDays(1).atStartOfDay(a.zone()).toInstant());
              }
              return ledger.submit(t);
            }));
          }
          return Future.all(each).mapEmpty();
        });
  }

  /** The opening balance's transfer id: the same for the same file, shop... and phone, on every run. */
  static UUID transferId(String sha, String phone) {
    return UUID.nameUUIDFromBytes(("member-import:" + sha + ":" + phone).getBytes(StandardCharsets.UTF_8));
  }

  // ---- helpers

  private Future<ZoneId> zone(long allianceId) {
    return pool.preparedQuery(ZONE).execute(Tuple.of(allianceId)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("alliance " + allianceId);
      }
      return ZoneId.of(rows.iterator().next().getString("time_zone"));
    });
  }

  private static ImportFile open(Path file, LocalDate today) {
    try {
      return new ImportFile(file, today);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Throwable readError(Throwable e) {
    if (e instanceof IllegalArgumentException) {
      return ProblemCode.INVALID_IMPORT_FILE.refuse(e.getMessage());
    }
    if (e instanceof IOException || e instanceof UncheckedIOException) {
      return ProblemCode.INVALID_IMPORT_FILE.refuse("the file is not UTF-8 text");
    }
    return e;
  }

  static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int r; (r = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, r);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private OffsetDateTime now() {
    return clock.instant().atOffset(ZoneOffset.UTC);
  }

  private static void closeQuietly(ImportFile reader) {
    try {
      reader.close();
    } catch (IOException e) {
      // nothing to do: it was read
    }
  }

  private void delete(Path file) {
    vertx.fileSystem().delete(file.toString()).otherwiseEmpty();
  }

  static Import fromRow(Row row) {
    OffsetDateTime finished = row.getOffsetDateTime("finished_at");
    return new Import(row.getLong("id"), row.getLong("shop_id"), row.getString("status"), row.getInteger("rows_total"),
        row.getInteger("rows_done"), row.getInteger("new_members"), row.getInteger("matched_members"),
        row.getLong("points_total"), row.getString("sha256"), row.getOffsetDateTime("created_at").toInstant(),
        finished == null ? null : finished.toInstant());
  }

}

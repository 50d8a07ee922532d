package io.linkpoints.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One audit record. Its hash is SHA-256 over the previous record's hash, a newline, and the
 * canonical form of the record: a JSON array of its fields in a fixed order (the detail is kept
 * as the exact text that was hashed, never re-serialised), so verify recomputes it byte for byte.
 */
public record AuditRecord(long allianceId, long seq, Instant at, String actorRole, long actorId, String action,
    String target, String detail, String prevHash, String hash) {

  /** The previous hash of the first record of a chain. */
  public static final String GENESIS = "0".repeat(64);

  static final String COLUMNS = "alliance_id, seq, at, actor_role, actor_id, action, target, detail, prev_hash, hash";

  static AuditRecord fromRow(Row r) {
    return new AuditRecord(r.getLong("alliance_id"), r.getLong("seq"), r.getOffsetDateTime("at").toInstant(),
        r.getString("actor_role"), r.getLong("actor_id"), r.getString("action"), r.getString("target"),
        r.getString("detail"), r.getString("prev_hash"), r.getString("hash"));
  }

  public String canonical() {
    return new JsonArray().add(allianceId).add(seq).add(at.toString()).add(actorRole).add(actorId).add(action)
        .add(target).add(detail).encode();
  }

  public static String chain(String prevHash, String canonical) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(prevHash.getBytes(StandardCharsets.US_ASCII));
      sha.update((byte) '\n');
      sha.update(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The hash this record should carry, given the previous one. */
  public String expectedHash() {
    return chain(prevHash, canonical());
  }
}

package io.linkpoints.alliance;

import io.linkpoints.auth.PasswordHasher;
import io.linkpoints.platform.UniqueViolation;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The alliance's admins. An alliance starts with one (made with it); an admin adds others, so that
 * what needs four eyes (a points adjustment above the threshold: its proposer never decides it) has
 * a second pair. Admins are never removed here: the audit log and decisions name them.
 */
public final class Admins {
  private static final String LIST = "select id, username, role, shop_id, created_at from staff"
      + " where alliance_id = $1 and role = 'admin' order by id";
  private static final String INSERT = "insert into staff (alliance_id, username, role, shop_id, password_hash)"
      + " values ($1, $2, 'admin', null, $3) returning id, username, role, shop_id, created_at";

  private final Pool pool;
  private final PasswordHasher passwords;

  public Admins(Pool pool, PasswordHasher passwords) {
    this.pool = pool;
    this.passwords = passwords;
  }

  public Future<List<StaffMember>> list(long allianceId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(allianceId)).map(rows -> {
      List<StaffMember> admins = new ArrayList<>();
      rows.forEach(row -> admins.add(StaffMember.of(row)));
      return admins;
    });
  }

  /** Adds an admin; a username already taken in the alliance (by anyone) is {@code 409 username_taken}. */
  public Future<StaffMember> add(long allianceId, String username, String password) {
    return passwords.hash(password)
        .compose(hash -> pool.preparedQuery(INSERT).execute(Tuple.of(allianceId, username, hash)))
        .map(rows -> StaffMember.of(rows.iterator().next()))
        .recover(failure -> UniqueViolation.is(failure)
            ? Future.failedFuture(ProblemCode.USERNAME_TAKEN.refuse("that username is already taken in this alliance"))
            : Future.failedFuture(failure));
  }
}

package io.linkpoints.platform;

import io.vertx.pgclient.PgException;

/** PostgreSQL's refusal of a row that would repeat a unique key: how "first write wins" is told apart. */
public final class UniqueViolation {
  private static final String SQLSTATE = "23505";

  private UniqueViolation() {
  }

  /** True when PostgreSQL refused a row because it would repeat a unique key. */
  public static boolean is(Throwable failure) {
    return failure instanceof PgException pg && SQLSTATE.equals(pg.getSqlState());
  }
}

package io.linkpoints.platform;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.Set;

/**
 * Tells a failure that means "the database is not there right now" (stopped, restarting, the
 * connection cut) from any other: such a call changed nothing it reported, and the same call
 * retried later may well succeed, so it is answered 503 {@code ledger_unavailable}, not 500.
 */
public final class DatabaseOutage {
  /**
   * admin_shutdown, crash_shutdown, cannot_connect_now (starting up, shutting down),
   * too_many_connections; and the whole class 08, connection exceptions.
   */
  private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300");

  private DatabaseOutage() {
  }

  public static boolean is(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 10; t = t.getCause(), depth++) {
      if (t instanceof PgException pg && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("08") || UNAVAILABLE_STATES.contains(pg.getSqlState()))) {
        return true;
      }
      if (t instanceof ClosedConnectionException || t instanceof ConnectException || t instanceof SocketException
          || t instanceof ClosedChannelException) {
        return true;
      }
      // A connection cut under a write: netty's native transport says so with an IOException of
      // its own, the JDK's with a plain one.
      if (t instanceof IOException io && (t.getClass().getName().startsWith("io.netty.channel.")
          || io.getMessage() != null && (io.getMessage().contains("Broken pipe")
              || io.getMessage().contains("Connection reset")))) {
        return true;
      }
    }
    return false;
  }
}

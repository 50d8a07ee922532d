package io.linkpoints.ledger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's one listener for ledger commits made by any instance on the database: the
 * ledger writer NOTIFYs {@link #CHANNEL} with the alliance id once a batch has committed (only a
 * batch that commits is announced, and only after its commit), and each notification is
 * relayed on the local event bus at {@link LedgerWriter#committedAddress}, where open feed
 * streams wait. The connection reconnects by itself; notifications sent while it is down are
 * lost, which the streams' slow safety poll covers.
 */
public final class FeedNotices {
  public static final String CHANNEL = "ledger_feed";
  private static final Logger log = LoggerFactory.getLogger(FeedNotices.class);
  private static final long RECONNECT_MS = 1_000;

  private final Vertx vertx;
  private final PgSubscriber subscriber;

  private FeedNotices(Vertx vertx, PgConnectOptions options) {
    this.vertx = vertx;
    this.subscriber = PgSubscriber.subscriber(vertx, new PgConnectOptions(options));
  }

  /** Listens from now on; the future completes once the first LISTEN is in place. */
  public static Future<FeedNotices> start(Vertx vertx, PgConnectOptions options) {
    FeedNotices notices = new FeedNotices(vertx, options);
    // A first connection that fails leaves no subscriber trying on behind the failed start.
    return notices.listen().map(notices)
        .recover(err -> notices.close().transform(closed -> Future.failedFuture(err)));
  }

  private Future<Void> listen() {
    // Every second, for as long as it takes: a stream meanwhile polls.
    subscriber.reconnectPolicy(retries -> {
      if (retries == 0) {
        log.warn("Lost the ledger notification connection; reconnecting (feeds poll meanwhile)");
      }
      return RECONNECT_MS;
    });
    subscriber.channel(CHANNEL).handler(this::relay);
    return subscriber.connect();
  }

  private void relay(String payload) {
    try {
      long alliance = Long.parseLong(payload);
      vertx.eventBus().publish(LedgerWriter.committedAddress(alliance), alliance);
    } catch (NumberFormatException notOurs) {
      log.warn("Ignored a notification on {} that is not an alliance id", CHANNEL);
    }
  }

  public Future<Void> close() {
    return subscriber.close();
  }
}

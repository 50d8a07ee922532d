package io.linkpoints.export;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.reactivestreams.ReactiveReadStream;
import io.vertx.ext.reactivestreams.ReactiveWriteStream;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a query's rows to an HTTP response, never holding more than a few chunks in memory:
 * a PostgreSQL cursor (a RowStream over a prepared statement, {@link #FETCH_ROWS} rows per fetch,
 * inside a read-only transaction as cursors need) feeds a Reactive Streams Publisher
 * ({@link ReactiveWriteStream}), whose Subscriber ({@link ReactiveReadStream}) requests
 * {@link #REQUEST_BATCH} chunks at a time and is piped into the response. A slow client fills the
 * response's write queue, the pipe pauses the subscriber, which stops requesting, the publisher's
 * queue fills, its pipe pauses the cursor, and no more rows are fetched until the client reads.
 */
public final class CursorExport {
  private static final Logger log = LoggerFactory.getLogger(CursorExport.class);
  static final int FETCH_ROWS = 500;
  static final int REQUEST_BATCH = 4;

  private CursorExport() {
  }

  /** Starts the stream; the response is ended by it (or reset if the database fails mid-way). */
  public static Future<Void> stream(RoutingContext ctx, Pool pool, String sql, Tuple args, ExportFormat format,
      List<String> columns, String filename) {
    Vertx vertx = ctx.vertx();
    HttpServerResponse response = ctx.response();
    return pool.getConnection().compose(conn -> conn.begin().compose(tx -> conn.prepare(sql).map(ps -> {
      RowStream<Row> rows = ps.createStream(FETCH_ROWS, args);
      AtomicBoolean released = new AtomicBoolean();
      Runnable release = () -> {
        if (released.compareAndSet(false, true)) {
          rows.close().eventually(() -> tx.rollback()).eventually(() -> conn.close())
              .onFailure(err -> log.debug("Export cleanup: {}", err.getMessage()));
        }
      };
      ReactiveWriteStream<Buffer> publisher = ReactiveWriteStream.writeStream(vertx);
      ReactiveReadStream<Buffer> subscriber = ReactiveReadStream.readStream(REQUEST_BATCH);
      publisher.subscribe(subscriber);
      response.setChunked(true).putHeader("Content-Type", format.contentType())
          .putHeader("Content-Disposition", "attachment; filename=\"" + filename + "."
              + format.name().toLowerCase() + "\"");
      response.closeHandler(v -> release.run());
      new LineStream(rows, format, columns).pipe().endOnComplete(false).to(publisher)
          .onSuccess(v -> publisher.write(UntilMarker.END))
          .onFailure(err -> {
            log.warn("Export failed mid-stream: {}", err.getMessage());
            response.reset();
            release.run();
          });
      // The subscriber asks for chunks only once it has its subscription, which the publisher hands
      // over in a task on this context: pipe it after that task.
      vertx.getOrCreateContext().runOnContext(v -> new UntilMarker(subscriber, publisher::close).pipeTo(response)
          .onComplete(done -> release.run()));
      return (Void) null;
    }).onFailure(err -> conn.close())));
  }

}

package io.linkpoints.export;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import java.util.List;

/**
 * A cursor's rows as a stream of text chunks of up to {@link #CHUNK_BYTES}, so a million rows are
 * not a million HTTP chunks. Pausing this pauses the cursor: rows are fetched only as fast as the
 * chunks are taken.
 */
final class LineStream implements ReadStream<Buffer> {
  static final int CHUNK_BYTES = 32 * 1024;

  private final RowStream<Row> rows;
  private final ExportFormat format;
  private final List<String> columns;
  private Buffer pending;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;

  LineStream(RowStream<Row> rows, ExportFormat format, List<String> columns) {
    this.rows = rows;
    this.format = format;
    this.columns = columns;
    String header = format.header(columns);
    this.pending = header == null ? Buffer.buffer(CHUNK_BYTES + 1024) : Buffer.buffer(CHUNK_BYTES + 1024).appendString(header);
  }

  @Override
  public LineStream exceptionHandler(Handler<Throwable> h) {
    rows.exceptionHandler(h);
    return this;
  }

  @Override
  public LineStream handler(Handler<Buffer> h) {
    this.handler = h;
    if (h == null) {
      rows.handler(null);
    } else {
      rows.handler(row -> {
        format.append(pending, row, columns);
        if (pending.length() >= CHUNK_BYTES) {
          Buffer out = pending;
          pending = Buffer.buffer(CHUNK_BYTES + 1024);
          handler.handle(out);
        }
      });
    }
    return this;
  }

  @Override
  public LineStream pause() {
    rows.pause();
    return this;
  }

  @Override
  public LineStream resume() {
    rows.resume();
    return this;
  }

  @Override
  public LineStream fetch(long amount) {
    rows.fetch(amount);
    return this;
  }

  @Override
  public LineStream endHandler(Handler<Void> h) {
    this.endHandler = h;
    rows.endHandler(h == null ? null : v -> {
      if (pending.length() > 0 && handler != null) {
        handler.handle(pending);
        pending = Buffer.buffer();
      }
      endHandler.handle(null);
    });
    return this;
  }
}

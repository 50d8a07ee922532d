package io.linkpoints.export;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * The subscriber side of an export, passing chunks on until the end marker. ReactiveWriteStream's
 * end drops chunks still queued for its subscriber, so the publisher is ended only once the
 * marker, written after the last chunk, has come through: then nothing is left to drop.
 */
final class UntilMarker implements ReadStream<Buffer> {
  /** Compared by identity: an empty chunk that only this class writes. */
  static final Buffer END = Buffer.buffer(0);

  private final ReadStream<Buffer> source;
  private final Runnable onMarker;

  UntilMarker(ReadStream<Buffer> source, Runnable onMarker) {
    this.source = source;
    this.onMarker = onMarker;
  }

  @Override
  public UntilMarker handler(Handler<Buffer> h) {
    source.handler(h == null ? null : chunk -> {
      if (chunk == END) {
        onMarker.run();
      } else {
        h.handle(chunk);
      }
    });
    return this;
  }

  @Override
  public UntilMarker exceptionHandler(Handler<Throwable> h) {
    source.exceptionHandler(h);
    return this;
  }

  @Override
  public UntilMarker pause() {
    source.pause();
    return this;
  }

  @Override
  public UntilMarker resume() {
    source.resume();
    return this;
  }

  @Override
  public UntilMarker fetch(long amount) {
    source.fetch(amount);
    return this;
  }

  @Override
  public UntilMarker endHandler(Handler<Void> h) {
    source.endHandler(h);
    return this;
  }
}

package io.linkpoints.testing;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An open event stream of a shop's feed ({@code text/event-stream}), as a till's screen reads
 * it: everything received so far, and the transfer events parsed from it. Its head is checked
 * against the contract, and its text must start with the retry line.
 */
public final class EventStream {
  private final HttpClient client;
  private final StringBuffer text = new StringBuffer();
  private final List<Map<String, String>> transfers = new ArrayList<>();
  private int parsed;

  private EventStream(HttpClient client) {
    this.client = client;
  }

  /** Opens {@code path} (with its query) on localhost:{@code port} as the bearer of {@code token}. */
  public static EventStream open(Vertx vertx, int port, String path, String token) {
    HttpClient client = vertx.createHttpClient();
    EventStream events = new EventStream(client);
    // The handler is set on the event loop as the head arrives: set after await, the first
    // chunks (the retry line, a backlog sent at once) were dropped before it, now and then.
    HttpClientResponse response = await(client.request(HttpMethod.GET, port, "localhost", path)
        .compose(req -> req.putHeader("Accept", "text/event-stream").putHeader("Authorization", "Bearer " + token)
            .send())
        .map(r -> r.handler(chunk -> events.add(chunk.toString()))));
    assertEquals(200, response.statusCode());
    ContractCheck.shared().checkHead(HttpMethod.GET, path, response.statusCode(), response.getHeader("Content-Type"));
    assertTrue(events.text().isEmpty() || events.text().startsWith("retry:"), events.text());
    return events;
  }

  private synchronized void add(String chunk) {
    text.append(chunk);
    int end;
    while ((end = text.indexOf("\n\n", parsed)) >= 0) {
      Map<String, String> fields = new HashMap<>();
      for (String line : text.substring(parsed, end).split("\n")) {
        int colon = line.indexOf(": ");
        if (colon > 0) {
          fields.put(line.substring(0, colon), line.substring(colon + 2));
        }
      }
      if ("transfer".equals(fields.get("event"))) {
        transfers.add(fields);
      }
      parsed = end + 2;
    }
  }

  /** The transfer events complete so far, each by field ({@code id}, {@code event}, {@code data}). */
  public synchronized List<Map<String, String>> transfers() {
    return new ArrayList<>(transfers);
  }

  /** The transfers' ids, in the order they came. */
  public synchronized List<String> ids() {
    return transfers.stream().map(t -> new JsonObject(t.get("data")).getString("id")).toList();
  }

  /** The last transfer's event id: the cursor to resume after. */
  public synchronized String lastId() {
    return transfers.get(transfers.size() - 1).get("id");
  }

  /** Everything received so far, keep-alives included. */
  public synchronized String text() {
    return text.toString();
  }

  public void close() {
    await(client.close());
  }
}

package io.linkpoints.notifications;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;

/**
 * An SMS gateway over HTTP, the one contract (docs/notifications.md): {@code POST <url>} with
 * {@code {"to": "+86...", "template": "points_expiring", "params": {...}}} and the header
 * {@code Linkpoints-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}; any
 * 2xx is sent, 408/429/5xx or no answer is retried, another 4xx is a refusal for good.
 */
public final class HttpSmsGateway implements SmsSender {
  public static final String SIGNATURE_HEADER = "Linkpoints-Signature";

  private final HttpClient http;
  private final String url;
  private final byte[] secret;
  private final Clock clock;

  public HttpSmsGateway(HttpClient http, String url, String secret, Clock clock) {
    this.http = http;
    this.url = url;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  @Override
  public Future<Void> send(String phone, String template, Map<String, String> params) {
    JsonObject p = new JsonObject();
    params.forEach(p::put);
    Buffer body = new JsonObject().put("to", phone).put("template", template).put("params", p).toBuffer();
    String signature = signature(clock.instant().getEpochSecond(), body.toString());
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setFollowRedirects(false)
            .putHeader("Content-Type", "application/json").putHeader(SIGNATURE_HEADER, signature))
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().compose(b -> {
          int status = resp.statusCode();
          if (status >= 200 && status < 300) {
            return Future.succeededFuture();
          }
          if (status >= 400 && status < 500 && status != 408 && status != 429) {
            return Future.failedFuture(new Rejected("the SMS gateway answered " + status));
          }
          return Future.failedFuture("the SMS gateway answered " + status);
        }));
  }

  /** {@code t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">}: what a gateway checks (and the tests). */
  public String signature(long epochSecond, String body) {
    try {
      byte[] mac = WebPushCrypto.hmac(secret, (epochSecond + "." + body).getBytes(StandardCharsets.UTF_8));
      return "t=" + epochSecond + ",v1=" + HexFormat.of().formatHex(mac);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

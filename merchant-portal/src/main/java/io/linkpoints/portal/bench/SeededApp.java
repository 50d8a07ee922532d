package io.linkpoints.portal.bench;

import io.linkpoints.app.LinkpointsApp;
import io.linkpoints.auth.SignInCodeSender;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.platform.LinkpointsConfig;
import io.linkpoints.till.fleet.Fleet;
import io.vertx.core.Future;
import io.linkpoints.platform.Meters;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * loyalty-core's service ({@link LinkpointsApp}) started in this process, and an alliance seeded
 * through its API as its people would (operator, admin, owners, terminals enrolled, members signed
 * in by phone). For the POS benchmark and the POS demo; called from a main thread, so it simply
 * waits. (Not {@code app.Platform}, the service's shared parts, nor the {@code platform} package.)
 */
final class SeededApp implements AutoCloseable {
  final Vertx vertx;
  final LinkpointsApp app;
  final WebClient http;
  private final Map<String, String> codes = new ConcurrentHashMap<>();

  /** The seeded alliance: its tills, its members and their phones (devices bound through the API). */
  record World(long allianceId, List<Fleet.Till> tills, List<Person> members, MemberPhones phones) {
  }

  record Person(long id, String handle, String token) {
  }

  private SeededApp(Vertx vertx, LinkpointsApp app) {
    this.vertx = vertx;
    this.app = app;
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(app.port()));
  }

  static SeededApp start(LinkpointsConfig config) {
    // As in production (app.Main): Vert.x's HTTP and pool meters on, served with ours on the management port.
    PrometheusMeterRegistry meters = Meters.registry();
    Vertx vertx = Meters.vertx(meters);
    SeededApp[] holder = new SeededApp[1];
    SignInCodeSender sender = (alliance, phone, code) -> {
      holder[0].codes.put(alliance + "/" + phone, code);
      return Future.succeededFuture();
    };
    // The sender is only called after start, by sign-ins we make below.
    LinkpointsApp app = await(LinkpointsApp.start(vertx, config, Clock.systemUTC(), sender, meters));
    holder[0] = new SeededApp(vertx, app);
    return holder[0];
  }

  World seed(String name, int shops, int tillsPerShop, int members, int devicesPerMember, long grantPoints)
      throws Exception {
    JsonObject alliance = call(HttpMethod.POST, "/v1/operator/alliances", app.operatorToken(), new JsonObject()
        .put("name", name).put("timeZone", "Asia/Shanghai")
        .put("admin", new JsonObject().put("username", "bench-admin").put("password", "bench-admin-password")));
    long allianceId = alliance.getLong("id");
    String admin = signIn(allianceId, "bench-admin", "bench-admin-password");
    List<Fleet.Till> tills = new ArrayList<>();
    List<Long> shopIds = new ArrayList<>();
    for (int s = 1; s <= shops; s++) {
      long shop = call(HttpMethod.POST, "/v1/alliances/" + allianceId + "/shops", admin, new JsonObject()
          .put("name", "Shop " + s).put("owner", new JsonObject().put("username", "owner-" + s)
              .put("password", "owner-password-" + s))).getLong("id");
      shopIds.add(shop);
      String owner = signIn(allianceId, "owner-" + s, "owner-password-" + s);
      for (int t = 1; t <= tillsPerShop; t++) {
        JsonObject created = call(HttpMethod.POST, "/v1/alliances/" + allianceId + "/shops/" + shop + "/terminals",
            owner, new JsonObject().put("name", "Till " + t));
        JsonObject enrolled = call(HttpMethod.POST, "/v1/terminals/enrol", null,
            new JsonObject().put("enrolmentSecret", created.getString("enrolmentSecret")));
        tills.add(new Fleet.Till(allianceId, shop, enrolled.getString("accessToken"), enrolled.getString("deviceSecret")));
      }
    }
    List<Person> people = new ArrayList<>();
    for (int m = 0; m < members; m++) {
      String phone = "+8613" + String.format("%09d", m + 1);
      call(HttpMethod.POST, "/v1/alliances/" + allianceId + "/members/sign-in/code", null, new JsonObject().put("phone", phone));
      JsonObject signedIn = call(HttpMethod.POST, "/v1/alliances/" + allianceId + "/members/sign-in", null,
          new JsonObject().put("phone", phone).put("code", codes.get(allianceId + "/" + phone)));
      JsonObject member = signedIn.getJsonObject("member");
      people.add(new Person(member.getLong("id"), member.getString("handle"), signedIn.getString("accessToken")));
    }
    if (grantPoints > 0) {
      // Starting balances, so redemptions have something to spend: earned at the first shop.
      long issuance = await(app.ledger().accountOf(allianceId, AccountKind.MERCHANT_ISSUANCE, shopIds.get(0)))
          .orElseThrow().id();
      List<Future<?>> grants = new ArrayList<>();
      for (Person p : people) {
        long wallet = await(app.ledger().accountOf(allianceId, AccountKind.MEMBER_WALLET, p.id())).orElseThrow().id();
        grants.add(app.ledger().transfer(allianceId, UUID.randomUUID(), issuance, wallet, grantPoints, "earn"));
      }
      await(Future.all(grants));
    }
    return new World(allianceId, tills, people, bindPhones(people, devicesPerMember));
  }

  /** Each member binds devices as the wallet does ({@code POST /v1/members/me/devices}), a few at a time. */
  private MemberPhones bindPhones(List<Person> people, int devicesPerMember) {
    MemberPhones phones = new MemberPhones(Clock.systemUTC());
    int inFlight = 32;
    List<int[]> bindings = new ArrayList<>();
    for (int d = 0; d < devicesPerMember; d++) {
      for (int m = 0; m < people.size(); m++) {
        bindings.add(new int[] {m, d});
      }
    }
    for (int from = 0; from < bindings.size(); from += inFlight) {
      List<Future<Void>> batch = new ArrayList<>();
      for (int[] b : bindings.subList(from, Math.min(bindings.size(), from + inFlight))) {
        Person p = people.get(b[0]);
        batch.add(http.post("/v1/members/me/devices").putHeader("Authorization", "Bearer " + p.token())
            .sendJsonObject(new JsonObject().put("label", "bench phone " + (b[1] + 1))).map(r -> {
              if (r.statusCode() != 201) {
                throw new IllegalStateException("binding a device: " + r.statusCode() + " " + r.bodyAsString());
              }
              JsonObject bound = r.bodyAsJsonObject();
              phones.bind(b[0], bound.getJsonObject("device").getLong("id"),
                  Base64.getUrlDecoder().decode(bound.getString("secret")));
              return null;
            }));
      }
      await(Future.all(batch));
    }
    return phones;
  }

  String signIn(long allianceId, String username, String password) {
    return call(HttpMethod.POST, "/v1/alliances/" + allianceId + "/staff/sign-in", null,
        new JsonObject().put("username", username).put("password", password)).getString("accessToken");
  }

  JsonObject call(HttpMethod method, String path, String bearer, JsonObject body) {
    HttpResponse<Buffer> r = response(method, path, bearer, body);
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  HttpResponse<Buffer> response(HttpMethod method, String path, String bearer, JsonObject body) {
    HttpRequest<Buffer> request = http.request(method, path);
    if (bearer != null) {
      request.putHeader("Authorization", "Bearer " + bearer);
    }
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    http.close();
    await(app.close());
    await(vertx.close());
  }
}

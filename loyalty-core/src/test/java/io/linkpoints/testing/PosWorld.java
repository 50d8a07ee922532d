package io.linkpoints.testing;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;

import io.linkpoints.ledger.AccountKind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An alliance for POS tests, built through the API as its people would: shops with an owner and
 * an enrolled terminal each, members signed in by phone. Shared by loyalty-core's and
 * pos-adapter's end-to-end tests (it ships in the test-jar).
 */
public final class PosWorld {
  private static final AtomicInteger PHONES = new AtomicInteger();

  public final ApiFixture api;
  public final long allianceId;
  public final String adminToken;
  private final String prefix;
  private final Map<Long, List<Phone>> phones = new HashMap<>();
  private final Map<Long, String> phoneNumbers = new HashMap<>();
  private int shops;

  /** A shop with its till: the terminal's access token and device secret. */
  public record Till(long shopId, String ownerToken, long terminalId, String token, String deviceSecret) {
  }

  public record Person(long memberId, String handle, String token) {
  }

  public PosWorld(ApiFixture api, String prefix) {
    this.api = api;
    this.prefix = prefix;
    this.allianceId = api.createAlliance(prefix + " alliance", prefix + "-admin").getLong("id");
    this.adminToken = api.staffToken(allianceId, prefix + "-admin", "admin-password-1");
  }

  public Till shop(String name) {
    String owner = prefix + "-owner" + (++shops);
    long shopId = api.createShop(allianceId, adminToken, name, owner).getLong("id");
    String ownerToken = api.staffToken(allianceId, owner, "owner-password-1");
    return terminal(shopId, ownerToken, name + " till");
  }

  public Till terminal(long shopId, String ownerToken, String name) {
    JsonObject created = expect(201, api.post("/v1/alliances/" + allianceId + "/shops/" + shopId + "/terminals",
        ownerToken, new JsonObject().put("name", name)));
    JsonObject enrolled = expect(200, api.post("/v1/terminals/enrol", null,
        new JsonObject().put("enrolmentSecret", created.getString("enrolmentSecret"))));
    return new Till(shopId, ownerToken, enrolled.getLong("terminalId"), enrolled.getString("accessToken"),
        enrolled.getString("deviceSecret"));
  }

  public Person member() {
    String phone = "+86139" + String.format("%08d", PHONES.incrementAndGet() + ProcessHandle.current().pid() % 1000 * 10000);
    JsonObject signedIn = api.memberSignIn(allianceId, phone);
    JsonObject m = signedIn.getJsonObject("member");
    synchronized (phoneNumbers) {
      phoneNumbers.put(m.getLong("id"), phone);
    }
    return new Person(m.getLong("id"), m.getString("handle"), signedIn.getString("accessToken"));
  }

  /**
   * A fresh member code, as the member's phone makes it. Members have one phone at first; when
   * its ten codes of a 30 s step are shown, another is bound (a member may have ten).
   */
  public String code(Person p) {
    List<Phone> owned;
    synchronized (phones) {
      owned = phones.computeIfAbsent(p.memberId(), id -> new ArrayList<>());
    }
    synchronized (owned) {
      for (Phone phone : owned) {
        var code = phone.nextCode();
        if (code.isPresent()) {
          return code.get();
        }
      }
      if (owned.size() >= 10) {
        throw new IllegalStateException("a member's ten phones have shown all their codes of this step");
      }
      Phone phone = Phone.bind(api, p.token(), "phone " + (owned.size() + 1));
      owned.add(phone);
      return phone.nextCode().orElseThrow();
    }
  }

  /** The phone number the member signed in with. */
  public String phoneNumber(Person p) {
    synchronized (phoneNumbers) {
      return phoneNumbers.get(p.memberId());
    }
  }

  /** The member's first phone (bound now if they have none yet). */
  public Phone phone(Person p) {
    List<Phone> owned;
    synchronized (phones) {
      owned = phones.computeIfAbsent(p.memberId(), id -> new ArrayList<>());
    }
    synchronized (owned) {
      if (owned.isEmpty()) {
        owned.add(Phone.bind(api, p.token(), "phone 1"));
      }
      return owned.get(0);
    }
  }

  /** Another phone for the member, bound now. */
  public Phone bindPhone(Person p, String label) {
    Phone phone = Phone.bind(api, p.token(), label);
    synchronized (phones) {
      phones.computeIfAbsent(p.memberId(), id -> new ArrayList<>()).add(phone);
    }
    return phone;
  }

  public HttpResponse<Buffer> pos(Till till, String operation, String key, JsonObject body) {
    String path = "/v1/alliances/" + allianceId + "/shops/" + till.shopId() + "/pos/" + operation;
    return api.send(HttpMethod.POST, path, till.token(), body, key == null ? Map.of() : Map.of("Idempotency-Key", key));
  }

  /** A sale at the till for the member's current code, answered 200 (a fresh Idempotency-Key). */
  public JsonObject accrue(Till till, Person member, long spendFen) {
    return expect(200, pos(till, "accrue", key(), new JsonObject().put("memberCode", code(member))
        .put("spendFen", spendFen)));
  }

  /** The alliance admin's username (its password is {@code admin-password-1}). */
  public String adminUsername() {
    return prefix + "-admin";
  }

  /** The shop's path under the API, {@code /v1/alliances/{a}/shops/{s}}. */
  public String shopPath(Till till) {
    return "/v1/alliances/" + allianceId + "/shops/" + till.shopId();
  }

  public JsonObject status(Till till, String key) {
    return expect(200, api.get("/v1/alliances/" + allianceId + "/shops/" + till.shopId() + "/pos/requests/" + key,
        till.token()));
  }

  /** Points straight into a wallet, earned at this shop (seeding; the POS path has its own tests). */
  public void grant(Person p, Till at, long points) {
    long issuance = await(api.app.ledger().accountOf(allianceId, AccountKind.MERCHANT_ISSUANCE, at.shopId()))
        .orElseThrow().id();
    long wallet = walletId(p);
    await(api.app.ledger().transfer(allianceId, UUID.randomUUID(), issuance, wallet, points, "earn"));
  }

  /** The member's own choice on sharing visit data with partner shops (PUT /v1/members/me/consents). */
  public void shareVisits(Person p, boolean granted) {
    ApiFixture.expect(200, api.send(io.vertx.core.http.HttpMethod.PUT, "/v1/members/me/consents", p.token(),
        new JsonObject().put("purpose", "visit_sharing").put("granted", granted).put("textVersion", "v1")));
  }

  public long walletId(Person p) {
    return await(api.app.ledger().accountOf(allianceId, AccountKind.MEMBER_WALLET, p.memberId())).orElseThrow().id();
  }

  public long available(Person p) {
    return await(api.app.ledger().account(allianceId, walletId(p))).orElseThrow().availableBalance();
  }

  public static String key() {
    return UUID.randomUUID().toString();
  }

  /** Every ledger invariant, across all alliances of this database. */
  public void assertLedgerOk() {
    api.assertLedgerOk();
  }
}

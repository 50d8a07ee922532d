package io.linkpoints.app;

import io.linkpoints.adjustments.AdjustmentRoutes;
import io.linkpoints.adjustments.PointAdjustments;
import io.linkpoints.alliance.AllianceRoutes;
import io.linkpoints.alliance.EarnRules;
import io.linkpoints.audit.AuditHook;
import io.linkpoints.audit.AuditLog;
import io.linkpoints.auth.AccessGate;
import io.linkpoints.coupons.CouponRoutes;
import io.linkpoints.coupons.CouponMeters;
import io.linkpoints.coupons.Coupons;
import io.linkpoints.ledger.api.LedgerAdminRoutes;
import io.linkpoints.ledger.api.ShopFeedRoutes;
import io.linkpoints.member.DeviceRoutes;
import io.linkpoints.member.MemberActivityRoutes;
import io.linkpoints.member.MemberRoutes;
import io.linkpoints.notifications.ExpiryReminders;
import io.linkpoints.notifications.HttpSmsGateway;
import io.linkpoints.notifications.NotificationDeliveries;
import io.linkpoints.notifications.OutboxToMembers;
import io.linkpoints.notifications.NotificationRoutes;
import io.linkpoints.notifications.Notifications;
import io.linkpoints.notifications.PushSubscriptions;
import io.linkpoints.notifications.SmsSender;
import io.linkpoints.platform.Migrations;
import io.linkpoints.exits.ExitRoutes;
import io.linkpoints.exits.ShopExits;
import io.linkpoints.imports.ImportRoutes;
import io.linkpoints.imports.MemberImports;
import io.linkpoints.passports.PassportRoutes;
import io.linkpoints.passports.Passports;
import io.linkpoints.passports.Stamps;
import io.linkpoints.pos.PosRoutes;
import io.linkpoints.privacy.PrivacyRoutes;
import io.linkpoints.promotions.Bounties;
import io.linkpoints.promotions.PromotionReport;
import io.linkpoints.promotions.PromotionRoutes;
import io.linkpoints.promotions.Promotions;
import io.linkpoints.qr.MemberCodeRoutes;
import io.linkpoints.qr.MemberCodes;
import io.linkpoints.qr.ShopClaimCodes;
import io.linkpoints.rewards.RewardGrants;
import io.linkpoints.rewards.RewardRoutes;
import io.linkpoints.settlement.SettlementRoutes;
import io.linkpoints.tiers.MemberTiers;
import io.linkpoints.tiers.TierRoutes;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.ApiVerticle;
import io.linkpoints.web.ApiVerticle.Mounts;
import io.linkpoints.web.HealthCheck;
import io.linkpoints.web.OutboundTargets;
import io.linkpoints.webhooks.WebhookEndpoints;
import io.linkpoints.webhooks.WebhookRoutes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.List;

/**
 * Which route modules the API has and what each is built with. Services without per-instance
 * state (they hold the pool, the ledger, the clock) are built here once and shared by every
 * {@link ApiVerticle} instance and the jobs; what holds per-instance state (the gate, the POS
 * statements, grouped per event loop) is built per instance in {@link #mounts}.
 */
final class Wiring {
  private final Platform p;
  private final Coupons coupons;
  private final ShopClaimCodes claims;
  private final EarnRules earnRules;
  private final MemberCodes memberCodes;
  private final Promotions promotions;
  private final Bounties bounties;
  private final MemberTiers memberTiers;
  private final RewardGrants rewardGrants;
  private final Stamps stamps;
  private final Passports passports;
  private final WebhookEndpoints webhooks;
  private final List<HealthCheck> healthChecks;
  private final Notifications notifications;
  private final OutboundTargets outboundTargets;
  private final MemberImports memberImports;
  private final Vertx vertx;

  /** {@code schemaVersion}: the latest migration this code knows, which readiness requires applied. */
  Wiring(Vertx vertx, Platform p, String schemaVersion) {
    this.p = p;
    this.vertx = vertx;
    this.healthChecks = List.of(
        new HealthCheck("database", () -> p.pool().query("select 1").execute()),
        new HealthCheck("migrations", () -> Migrations.verify(p.pool(), schemaVersion)),
        new HealthCheck("ledgerWriter", () -> p.ledger().writer().accepting() ? Future.succeededFuture()
            : Future.failedFuture("the ledger writer is draining (shutdown)")));
    this.coupons = Coupons.create(p.pool(), p.ledger(), p.clock(), new CouponMeters(p.meters()));
    this.claims = new ShopClaimCodes(p.pool(), p.ledger(), p.clock());
    this.earnRules = new EarnRules(p.pool(), p.clock());
    this.promotions = new Promotions(p.pool(), p.clock());
    this.bounties = new Bounties(p.pool(), p.clock());
    this.memberCodes = new MemberCodes(p.pool(), p.deviceKeys(), p.config().codeStepWindow(), p.clock());
    this.memberTiers = new MemberTiers(p.pool(), p.clock());
    this.rewardGrants = new RewardGrants(p.pool(), p.ledger(), p.clock());
    this.stamps = new Stamps(p.pool(), p.ledger(), p.clock());
    this.passports = new Passports(p.pool(), p.clock(), stamps);
    this.notifications = new Notifications(p.pool(), p.clock(), p.notifyConfig().smsConfigured());
    this.outboundTargets = new OutboundTargets(p.config().allowPrivateTargets());
    this.webhooks = new WebhookEndpoints(vertx, p.pool(), outboundTargets, p.clock());
    this.memberImports = new MemberImports(vertx, p.pool(), p.ledger(), p.clock());
  }

  /** The push and SMS sender, which app runs periodically (one HTTP client for all push services). */
  NotificationDeliveries deliveries(Vertx vertx) {
    var http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000));
    SmsSender sms = p.notifyConfig().smsGatewayUrl()
        .<SmsSender>map(url -> new HttpSmsGateway(http, url, p.notifyConfig().smsGatewaySecret().orElseThrow(), p.clock()))
        .orElse(null);
    return new NotificationDeliveries(vertx, p.pool(), http, p.vapid(), outboundTargets, sms, p.clock());
  }

  /** The expiry reminders job, which app runs periodically. */
  ExpiryReminders expiryReminders() {
    return new ExpiryReminders(p.pool(), notifications, p.clock());
  }

  /** The outbox's member side: tells members the events about them, which app runs periodically. */
  OutboxToMembers outboxToMembers() {
    return new OutboxToMembers(p.pool(), notifications, p.clock());
  }

  /** The member notifications service: the entry point the outbox calls ({@code notifyMember}). */
  Notifications notifications() {
    return notifications;
  }

  /** The coupons, whose periodic jobs app runs. */
  Coupons coupons() {
    return coupons;
  }

  /** One server instance's gate, audit hook and route modules, in the order they are mounted. */
  Mounts mounts(OpenAPIContract contract) {
    AccessGate gate = new AccessGate(contract, p.tokens(), p.operator(), p.pool());
    AuditHook audit = new AuditHook(new AuditLog(p.pool(), p.clock()));
    return new Mounts(gate, audit::arm, routes());
  }

  private List<ApiRoutes> routes() {
    return List.of(
        new AllianceRoutes(p.pool(), p.ledger(), p.passwords(), p.tokens(), earnRules, p.clock()),
        new MemberRoutes(p.pool(), p.ledger(), p.tokens(), p.codeSender(), p.clock(), rewardGrants::welcome),
        new LedgerAdminRoutes(p.ledger()),
        new CouponRoutes(coupons),
        new MemberCodeRoutes(memberCodes, claims),
        new PromotionRoutes(promotions, bounties, new PromotionReport(p.pool(), p.clock())),
        new PosRoutes(p.pool(), p.bookkeepingPool(), p.ledger(), p.memberCodes(), coupons, claims, earnRules,
            promotions, bounties, memberTiers, stamps, p.clock(), p.meters()),
        new PassportRoutes(passports),
        new SettlementRoutes(p.pool(), p.clock(), p.meters()),
        new ShopFeedRoutes(p.pool(), p.ledger()),
        new MemberActivityRoutes(p.pool(), p.clock()),
        new DeviceRoutes(p.pool(), p.deviceSecrets(), p.clock()),
        new TierRoutes(p.pool(), p.clock()),
        new RewardRoutes(p.pool(), p.ledger(), p.clock()),
        new NotificationRoutes(notifications, new PushSubscriptions(p.pool(), p.clock(), outboundTargets), p.vapid(),
            p.notifyConfig().smsConfigured()),
        new WebhookRoutes(webhooks),
        new PrivacyRoutes(p.pool(), p.ledger(), p.clock()),
        new AdjustmentRoutes(new PointAdjustments(p.pool(), p.ledger(), new AuditLog(p.pool(), p.clock()), p.clock())),
        new ImportRoutes(vertx, memberImports),
        new ExitRoutes(new ShopExits(p.pool(), notifications, p.clock())));
  }

  /** A server instance, for {@code deployVerticle}: called once per instance. */
  ApiVerticle verticle() {
    return new ApiVerticle(p.config().port(), healthChecks, p.docs(), this::mounts);
  }
}

package io.linkpoints.app;

import io.linkpoints.auth.MemberDeviceSecrets;
import io.linkpoints.auth.OperatorGuard;
import io.linkpoints.auth.PasswordHasher;
import io.linkpoints.auth.SignInCodeSender;
import io.linkpoints.auth.TokenService;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.notifications.NotifyConfig;
import io.linkpoints.notifications.VapidKeys;
import io.linkpoints.platform.LinkpointsConfig;
import io.linkpoints.qr.DeviceKeys;
import io.linkpoints.qr.MemberCodeCheck;
import io.linkpoints.web.ApiDocs;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * The running service's shared parts, from which {@link Wiring} builds the route modules (they get
 * what they need through their constructors and do not see this record). {@code deviceSecrets}
 * seal member devices' code secrets; {@code deviceKeys} is the one cache of their opened keys,
 * shared by every verticle instance, by {@code memberCodes} (which checks LP2 codes) and by the
 * wallet's own code route. {@code bookkeepingPool} commits without waiting for the disk
 * (synchronous_commit off): only for rows that a later synchronous commit (the ledger's) makes
 * durable anyway, or that a retry recreates (POS idempotency records, used member codes).
 * {@code meters}: the process's registry, served at /metrics on the management port. {@code vapid}:
 * the Web Push key pair of the data folder; {@code notifyConfig}: the SMS gateway and VAPID contact.
 */
public record Platform(LinkpointsConfig config, Pool pool, Ledger ledger, Clock clock, TokenService tokens,
    OperatorGuard operator, PasswordHasher passwords, SignInCodeSender codeSender, ApiDocs docs,
    MemberDeviceSecrets deviceSecrets, DeviceKeys deviceKeys, MemberCodeCheck memberCodes, Pool bookkeepingPool,
    MeterRegistry meters, VapidKeys vapid, NotifyConfig notifyConfig) {
}

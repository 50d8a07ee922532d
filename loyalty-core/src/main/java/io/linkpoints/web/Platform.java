package io.linkpoints.web;

import io.linkpoints.ledger.Ledger;
import io.linkpoints.platform.LinkpointsConfig;
import io.vertx.sqlclient.Pool;

/** The running service's shared parts, handed to every route module. */
public record Platform(LinkpointsConfig config, Pool pool, Ledger ledger, AdminGuard adminGuard) {
}

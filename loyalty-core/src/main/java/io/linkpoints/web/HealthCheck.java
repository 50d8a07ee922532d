package io.linkpoints.web;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * One part the service needs before it can take traffic, named as {@code /health/ready} answers
 * it. Its probe succeeds while the part is ready and fails (or throws) when it is not; why it
 * failed is logged, never answered.
 */
public record HealthCheck(String name, Supplier<Future<?>> probe) {
}

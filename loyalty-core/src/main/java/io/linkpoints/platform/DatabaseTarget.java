package io.linkpoints.platform;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Where the data lives, in the two forms we need: reactive connect options for the service,
 * and a JDBC URL for Flyway (migrations are the only JDBC use).
 */
public record DatabaseTarget(PgConnectOptions connectOptions) {

  /** Parses a {@code postgresql://user:password@host:port/database} URL. */
  public static DatabaseTarget fromUrl(String url) {
    String normalized = url.startsWith("postgres://") ? "postgresql://" + url.substring("postgres://".length()) : url;
    if (!normalized.startsWith("postgresql://")) {
      throw new IllegalArgumentException("Database URL must start with postgresql://, got " + redact(url));
    }
    return new DatabaseTarget(PgConnectOptions.fromUri(normalized));
  }

  public String jdbcUrl() {
    PgConnectOptions o = connectOptions;
    return "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }

  public String user() {
    return connectOptions.getUser();
  }

  public String password() {
    return connectOptions.getPassword() == null ? "" : connectOptions.getPassword();
  }

  /** Back to a {@code postgresql://} URL (password included, so never log it). */
  public String url() {
    PgConnectOptions o = connectOptions;
    String credentials = o.getUser() + (o.getPassword() == null || o.getPassword().isEmpty() ? ""
        : ":" + java.net.URLEncoder.encode(o.getPassword(), java.nio.charset.StandardCharsets.UTF_8));
    return "postgresql://" + credentials + "@" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }

  public String describe() {
    PgConnectOptions o = connectOptions;
    return o.getUser() + "@" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }

  /** The same server, another database on it. */
  public DatabaseTarget withDatabase(String database) {
    return new DatabaseTarget(new PgConnectOptions(connectOptions).setDatabase(database));
  }

  /** The same database, with a server setting given at connection start on every connection. */
  public DatabaseTarget withSetting(String name, String value) {
    return new DatabaseTarget(new PgConnectOptions(connectOptions).addProperty(name, value));
  }

  /** A pool of at most {@code size} connections, statements prepared once per connection and pipelined. */
  public Pool pool(Vertx vertx, int size) {
    return pool(vertx, size, null);
  }

  /** {@code name}: the pool's name in the metrics ({@code vertx_pool_*{pool_name=...}}); null for Vert.x's own. */
  public Pool pool(Vertx vertx, int size, String name) {
    PoolOptions options = new PoolOptions().setMaxSize(size);
    if (name != null) {
      options.setName(name);
    }
    return PgBuilder.pool()
        .with(options)
        .connectingTo(new PgConnectOptions(connectOptions).setPipeliningLimit(256).setCachePreparedStatements(true))
        .using(vertx)
        .build();
  }

  private static String redact(String url) {
    return url.replaceAll("//[^@/]*@", "//***@");
  }
}

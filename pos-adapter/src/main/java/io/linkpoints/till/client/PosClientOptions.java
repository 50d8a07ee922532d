package io.linkpoints.till.client;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where the POS API is and who this till is. {@code deviceSecret} (from enrolment) is traded for
 * access tokens as they expire; a fixed {@code accessToken} is for tests and tools.
 * {@code offlineDir} turns the offline queue on: accruals made while the server cannot be
 * reached are kept there until {@link PosClient#drain}.
 */
public record PosClientOptions(String host, int port, boolean ssl, long allianceId, long shopId, String deviceSecret,
    String accessToken, long timeoutMillis, int maxAttempts, long backoffMillis, Path offlineDir, int poolSize) {

  public static PosClientOptions of(String baseUrl, long allianceId, long shopId) {
    URI uri = URI.create(baseUrl);
    boolean ssl = "https".equals(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    return new PosClientOptions(uri.getHost(), port, ssl, allianceId, shopId, null, null, 5_000, 3, 200, null, 4);
  }

  public PosClientOptions withDeviceSecret(String secret) {
    return new PosClientOptions(host, port, ssl, allianceId, shopId, secret, accessToken, timeoutMillis, maxAttempts,
        backoffMillis, offlineDir, poolSize);
  }

  public PosClientOptions withAccessToken(String token) {
    return new PosClientOptions(host, port, ssl, allianceId, shopId, deviceSecret, token, timeoutMillis, maxAttempts,
        backoffMillis, offlineDir, poolSize);
  }

  /** How long to wait for one answer, how many times to try a call in all, and the pause between tries. */
  public PosClientOptions withRetries(long timeoutMillis, int maxAttempts, long backoffMillis) {
    return new PosClientOptions(host, port, ssl, allianceId, shopId, deviceSecret, accessToken, timeoutMillis, maxAttempts,
        backoffMillis, offlineDir, poolSize);
  }

  public PosClientOptions withOfflineDir(Path dir) {
    return new PosClientOptions(host, port, ssl, allianceId, shopId, deviceSecret, accessToken, timeoutMillis, maxAttempts,
        backoffMillis, dir, poolSize);
  }

  public PosClientOptions withPoolSize(int size) {
    return new PosClientOptions(host, port, ssl, allianceId, shopId, deviceSecret, accessToken, timeoutMillis, maxAttempts,
        backoffMillis, offlineDir, size);
  }

  String posPath(String operation) {
    return "/v1/alliances/" + allianceId + "/shops/" + shopId + "/pos/" + operation;
  }
}

package io.linkpoints.till.client;

/**
 * The POS API refused the call, with its stable code ({@code code_already_used},
 * {@code insufficient_points}, ...). Final: the server stored this answer for the key, and
 * sending the call again with the same key gets it again.
 */
public class PosException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;

  public PosException(int status, String code, String message) {
    super(code + ": " + message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}

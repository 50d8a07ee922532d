package io.linkpoints.till.client;

/** A redemption (or anything but an accrual) while the server cannot be reached: it needs the network. */
public final class NeedsNetworkException extends PosException {
  private static final long serialVersionUID = 1L;
  /** The client's own code, never the server's: the call was not sent. */
  public static final String CODE = "needs_network";

  public NeedsNetworkException(String operation) {
    super(0, CODE, operation + " needs the network: points can only be spent online. Try again when the"
        + " connection is back, or take another payment");
  }
}

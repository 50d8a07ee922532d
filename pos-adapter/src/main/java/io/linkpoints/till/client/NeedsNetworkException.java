package io.linkpoints.till.client;

/** A redemption (or anything but an accrual) while the server cannot be reached: it needs the network. */
public final class NeedsNetworkException extends PosException {
  private static final long serialVersionUID = 1L;

  public NeedsNetworkException(String operation) {
    super(0, "needs_network", operation + " needs the network: points can only be spent online. Try again when the"
        + " connection is back, or take another payment");
  }
}

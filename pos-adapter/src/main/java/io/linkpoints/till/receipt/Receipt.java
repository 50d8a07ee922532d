package io.linkpoints.till.receipt;

import java.util.List;

/**
 * What goes on a printed receipt: the shop, the lines of the sale, and optionally a shop code
 * the member scans with the phone to collect points ("扫码领取 38 积分").
 */
public record Receipt(String shopName, List<Line> lines, long totalFen, String claimCode, String claimCaption) {
  public record Line(String text, long amountFen) {
  }

  /** Money as yuan with two decimals, from integer fen, without floating point. */
  public static String yuan(long fen) {
    String sign = fen < 0 ? "-" : "";
    long abs = Math.abs(fen);
    return sign + "¥" + (abs / 100) + "." + String.format("%02d", abs % 100);
  }
}

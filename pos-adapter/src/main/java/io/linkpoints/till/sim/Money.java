package io.linkpoints.till.sim;

/** Yuan as typed at a till ("38", "38.5", "38.50") to whole fen, without floating point. */
final class Money {
  private Money() {
  }

  static long fen(String yuan) {
    String s = yuan.trim();
    if (!s.matches("[0-9]{1,9}(\\.[0-9]{1,2})?")) {
      throw new IllegalArgumentException("not an amount in yuan: " + yuan);
    }
    int dot = s.indexOf('.');
    if (dot < 0) {
      return Long.parseLong(s) * 100;
    }
    String cents = (s.substring(dot + 1) + "0").substring(0, 2);
    return Long.parseLong(s.substring(0, dot)) * 100 + Long.parseLong(cents);
  }
}

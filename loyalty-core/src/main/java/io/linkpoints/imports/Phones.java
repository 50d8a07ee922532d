package io.linkpoints.imports;

/** Mainland China mobile numbers to E.164: 11 digits starting 1[3-9], with or without +86, 0086 or 86. */
final class Phones {
  private Phones() {
  }

  /** The number in E.164 ({@code +861xxxxxxxxxx}), or null if it is not a mainland China mobile number. */
  static String normalise(String raw) {
    if (raw == null) {
      return null;
    }
    String s = raw.strip();
    boolean plus = s.startsWith("+");
    if (plus) {
      s = s.substring(1);
    }
    StringBuilder digits = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits.append(c);
      } else if (c != ' ' && c != '-') {
        return null;
      }
    }
    String d = digits.toString();
    if (plus) {
      if (!d.startsWith("86")) {
        return null;
      }
      d = d.substring(2);
    } else if (d.startsWith("0086")) {
      d = d.substring(4);
    } else if (d.startsWith("86") && d.length() == 13) {
      d = d.substring(2);
    }
    if (d.length() != 11 || d.charAt(0) != '1' || d.charAt(1) < '3') {
      return null;
    }
    return "+86" + d;
  }
}

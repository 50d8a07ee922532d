package io.linkpoints.imports;

import java.nio.file.Path;

/** Converts one XLSX to CSV in a JVM of its own, so a test can run the conversion alone in a small heap. */
final class XlsxToCsvMain {
  private XlsxToCsvMain() {
  }

  public static void main(String[] args) {
    XlsxToCsv.convert(Path.of(args[0]), Path.of(args[1]));
  }
}

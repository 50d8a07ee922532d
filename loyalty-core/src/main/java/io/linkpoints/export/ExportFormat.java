package io.linkpoints.export;

import io.linkpoints.web.ProblemCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;

/** How rows are written: CSV (RFC 4180, header line first) or NDJSON (one JSON object per line). */
public enum ExportFormat {
  CSV("text/csv; charset=utf-8"),
  NDJSON("application/x-ndjson");

  private final String contentType;

  ExportFormat(String contentType) {
    this.contentType = contentType;
  }

  public String contentType() {
    return contentType;
  }

  public static ExportFormat parse(String raw) {
    if (raw == null || raw.isEmpty() || raw.equals("csv")) {
      return CSV;
    }
    if (raw.equals("ndjson")) {
      return NDJSON;
    }
    throw ProblemCode.INVALID_PARAMETER.refuse("format must be csv or ndjson");
  }

  /** The line before the rows (CSV's header), or null. */
  public String header(List<String> columns) {
    return this == CSV ? String.join(",", columns) + "\r\n" : null;
  }

  /** Appends one row as one line. */
  public void append(Buffer out, Row row, List<String> columns) {
    if (this == NDJSON) {
      JsonObject json = new JsonObject();
      for (int i = 0; i < columns.size(); i++) {
        json.put(columns.get(i), jsonValue(row.getValue(i)));
      }
      out.appendString(json.encode()).appendString("\n");
      return;
    }
    for (int i = 0; i < columns.size(); i++) {
      if (i > 0) {
        out.appendString(",");
      }
      Object v = row.getValue(i);
      if (v != null) {
        out.appendString(csv(text(v)));
      }
    }
    out.appendString("\r\n");
  }

  private static Object jsonValue(Object v) {
    return v == null || v instanceof Number || v instanceof Boolean ? v : text(v);
  }

  private static String text(Object v) {
    return v instanceof OffsetDateTime t ? t.toInstant().toString() : v.toString();
  }

  private static String csv(String s) {
    boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }
}

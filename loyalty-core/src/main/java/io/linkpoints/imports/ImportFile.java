package io.linkpoints.imports;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads an import CSV row by row (RFC 4180: quoted fields, doubled quotes, CRLF or LF, UTF-8 with or
 * without a BOM), checking each row. Blocking: call it on a worker, one batch at a time. Memory is
 * one batch plus one long per phone seen (for duplicates inside the file).
 *
 * <p>Row numbers are the spreadsheet's: the header is row 1, the first member row 2.
 */
final class ImportFile implements AutoCloseable {
  static final List<String> HEADER = List.of("phone", "name", "birthday", "points", "expires_on");
  static final long MAX_POINTS = 100_000_000L;
  private static final int MAX_FIELD_CHARS = 200;
  /** The same word as the API's refusal of a birthday that is no day. */
  private static final String BAD_BIRTHDAY = io.linkpoints.web.ProblemCode.INVALID_BIRTHDAY.code();

  /** A row as checked: the error's code is null when the row is good. */
  record Row(int number, String phone, String name, Integer birthYear, Integer birthMonth, Integer birthDay,
      long points, LocalDate expiresOn, String error, String detail) {
    boolean ok() {
      return error == null;
    }
  }

  private final BufferedReader in;
  private final LocalDate today;
  private final Set<Long> phones = new HashSet<>();
  private int rowNumber = 1;
  private boolean eof;

  /**
   * Opens the file and checks its header; {@code today} is the alliance's date (an expiry must be after
   * it), null when applying a file already checked (a day may have passed since).
   */
  ImportFile(Path file, LocalDate today) throws IOException {
    this.in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)), 64 * 1024);
    this.today = today;
    in.mark(1);
    if (in.read() != '\uFEFF') {
      in.reset();
    }
    List<String> header = record();
    if (header == null) {
      throw new IllegalArgumentException("the file is empty: it needs the header " + String.join(",", HEADER));
    }
    List<String> names = header.stream().map(h -> h.strip().toLowerCase(java.util.Locale.ROOT)).toList();
    if (!names.equals(HEADER)) {
      throw new IllegalArgumentException("the header must be " + String.join(",", HEADER));
    }
  }

  /** Up to {@code max} more rows, empty at the end of the file. */
  List<Row> next(int max) throws IOException {
    List<Row> rows = new ArrayList<>(max);
    while (rows.size() < max) {
      List<String> fields = record();
      if (fields == null) {
        break;
      }
      rowNumber++;
      if (fields.size() == 1 && fields.get(0).isBlank()) {
        continue; // a blank line
      }
      rows.add(check(rowNumber, fields));
    }
    return rows;
  }

  private Row check(int n, List<String> f) {
    if (f.size() != HEADER.size()) {
      return error(n, "invalid_row", "a row has " + HEADER.size() + " fields, this one " + f.size());
    }
    String phone = Phones.normalise(f.get(0));
    if (phone == null) {
      return error(n, "invalid_phone", "not a mainland China mobile number");
    }
    if (!phones.add(Long.parseLong(phone.substring(1)))) {
      return error(n, "duplicate_in_file", "this phone is on an earlier row");
    }
    String name = f.get(1).strip();
    if (name.length() > 100) {
      return error(n, "invalid_name", "a name is at most 100 characters");
    }
    Integer year = null;
    Integer month = null;
    Integer day = null;
    String birthday = f.get(2).strip();
    if (!birthday.isEmpty()) {
      try {
        if (birthday.matches("\\d{4}-\\d{2}-\\d{2}")) {
          LocalDate d = LocalDate.parse(birthday);
          if (d.getYear() < 1900 || (today != null && d.isAfter(today))) {
            return error(n, BAD_BIRTHDAY, "a birthday is between 1900 and today");
          }
          year = d.getYear();
          month = d.getMonthValue();
          day = d.getDayOfMonth();
        } else if (birthday.matches("\\d{2}-\\d{2}")) {
          LocalDate d = LocalDate.parse("2000-" + birthday); // a leap year: 02-29 is a birthday
          month = d.getMonthValue();
          day = d.getDayOfMonth();
        } else {
          return error(n, BAD_BIRTHDAY, "a birthday is YYYY-MM-DD or MM-DD");
        }
      } catch (DateTimeException e) {
        return error(n, BAD_BIRTHDAY, "no such date");
      }
    }
    long points;
    String p = f.get(3).strip();
    if (!p.matches("\\d{1,9}") || (points = Long.parseLong(p)) > MAX_POINTS) {
      return error(n, "invalid_points", "points are a whole number 0.." + MAX_POINTS);
    }
    LocalDate expires = null;
    String e = f.get(4).strip();
    if (!e.isEmpty()) {
      try {
        if (!e.matches("\\d{4}-\\d{2}-\\d{2}")) {
          throw new DateTimeException(e);
        }
        expires = LocalDate.parse(e);
      } catch (DateTimeException x) {
        return error(n, "invalid_date", "an expiry is a date YYYY-MM-DD");
      }
      if (today != null && !expires.isAfter(today)) {
        return error(n, "invalid_date", "an expiry must be after today");
      }
      if (points == 0) {
        return error(n, "invalid_date", "an expiry needs points to expire");
      }
    }
    return new Row(n, phone, name.isEmpty() ? null : name, year, month, day, points, expires, null, null);
  }

  private static Row error(int n, String code, String detail) {
    return new Row(n, null, null, null, null, null, 0, null, code, detail);
  }

  /** One record's fields, or null at the end of the file. */
  private List<String> record() throws IOException {
    if (eof) {
      return null;
    }
    List<String> fields = new ArrayList<>(HEADER.size());
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    while (true) {
      int c = in.read();
      if (c == -1) {
        eof = true;
        if (!any) {
          return null;
        }
        fields.add(field.toString());
        return fields;
      }
      any = true;
      if (quoted) {
        if (c == '"') {
          in.mark(1);
          int d = in.read();
          if (d == '"') {
            field.append('"');
          } else {
            quoted = false;
            if (d != -1) {
              in.reset();
            }
          }
        } else {
          append(field, (char) c);
        }
      } else if (c == '"' && field.isEmpty()) {
        quoted = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
        if (fields.size() > HEADER.size() + 10) {
          throw new IllegalArgumentException("row " + (rowNumber + 1) + " has far too many fields");
        }
      } else if (c == '\n' || c == '\r') {
        if (c == '\r') {
          in.mark(1);
          if (in.read() != '\n') {
            in.reset();
          }
        }
        fields.add(field.toString());
        return fields;
      } else {
        append(field, (char) c);
      }
    }
  }

  private void append(StringBuilder field, char c) {
    if (field.length() >= MAX_FIELD_CHARS) {
      throw new IllegalArgumentException("row " + (rowNumber + 1) + " has a field longer than " + MAX_FIELD_CHARS
          + " characters");
    }
    field.append(c);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}

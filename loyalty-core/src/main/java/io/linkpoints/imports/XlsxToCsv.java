package io.linkpoints.imports;

import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Turns an uploaded XLSX into the CSV form {@link ImportFile} reads, so that a spreadsheet goes
 * through the same checks, row numbers, dry run and import as a CSV. Blocking: run it on a worker.
 *
 * <p>No workbook is loaded: the zip is read with {@link ZipFile} and each part with StAX, one event at
 * a time. The first sheet's rows are written out as they are read; row {@code r} of the sheet is line
 * {@code r} of the CSV (a missing row is a blank line, skipped by the reader but counted), so errors
 * name the spreadsheet's row numbers. The shared strings are spilled to a temporary file and found by
 * offset (an {@code int} each in memory), the styles kept as one bit per cell format (is it a date).
 *
 * <p>Hostile files: the XML parser takes no DTD (a DOCTYPE is refused, so no external entity and no
 * entity expansion), at most {@link #MAX_ENTRIES} zip entries, {@link #MAX_UNZIPPED_BYTES} bytes
 * unzipped in all (counted as read, whatever the entries claim) and {@link #MAX_SHARED_STRINGS}
 * shared strings; {@link XmlGuard} bounds what the parser itself would hold (long tags, comments,
 * many names, deep nesting). Anything that is not such a workbook is {@code 400 invalid_spreadsheet}.
 */
final class XlsxToCsv {
  static final long MAX_UNZIPPED_BYTES = 200L * 1024 * 1024;
  static final int MAX_ENTRIES = 1_000;
  static final int MAX_SHARED_STRINGS = 2_000_000;
  /** Sheet rows go up to 1,048,576 in Excel. */
  static final int MAX_ROW = 1_048_576;
  /** A cell's text is cut here: longer than ImportFile's limit, so an overlong field is still refused as in a CSV. */
  private static final int MAX_CELL_CHARS = 1_000;
  /** Sheet columns go up to XFD (16,384) in Excel. */
  static final int MAX_SHEET_COLUMNS = 16_384;
  /** Columns kept per row: the five of the header, and enough more to say a row has too many. */
  private static final int MAX_COLUMNS = 16;

  private static final String REL_OFFICE_DOCUMENT = "/officeDocument";
  private static final String REL_SHARED_STRINGS = "/sharedStrings";
  private static final String REL_STYLES = "/styles";

  private final ZipFile zip;
  private final Budget budget = new Budget();
  private final XmlGuard guard = new XmlGuard();
  private final XMLInputFactory xml;
  private SharedStrings strings;
  private final BitSet dateStyles = new BitSet();
  private boolean date1904;

  private XlsxToCsv(ZipFile zip) {
    this.zip = zip;
    this.xml = XMLInputFactory.newDefaultFactory();
    xml.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    xml.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    xml.setProperty(XMLInputFactory.IS_COALESCING, false);
  }

  /**
   * Writes the first sheet of {@code xlsx} as CSV to {@code csv}; throws {@code invalid_spreadsheet}
   * if it is no workbook or breaks a limit.
   */
  static void convert(Path xlsx, Path csv) {
    try (ZipFile zip = new ZipFile(xlsx.toFile(), StandardCharsets.UTF_8)) {
      XlsxToCsv reader = new XlsxToCsv(zip);
      try {
        reader.run(csv);
      } finally {
        if (reader.strings != null) {
          reader.strings.close();
        }
      }
    } catch (ApiException e) {
      throw e;
    } catch (Exception e) { // zip or XML errors, numbers that are no numbers...
      throw refuse("not a readable XLSX workbook (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
  }

  private static ApiException refuse(String detail) {
    return ProblemCode.INVALID_SPREADSHEET.refuse(detail);
  }

  private void run(Path csv) throws IOException, XMLStreamException {
    if (zip.size() > MAX_ENTRIES) {
      throw refuse("a workbook has at most " + MAX_ENTRIES + " parts");
    }
    long declared = 0;
    for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
      declared += Math.max(0, e.nextElement().getSize());
    }
    if (declared > MAX_UNZIPPED_BYTES) {
      throw refuse("the workbook unzips to more than " + MAX_UNZIPPED_BYTES + " bytes");
    }
    String workbook = relationships("_rels/.rels", "").getOrDefault(REL_OFFICE_DOCUMENT, List.of("xl/workbook.xml"))
        .get(0);
    String dir = workbook.contains("/") ? workbook.substring(0, workbook.lastIndexOf('/') + 1) : "";
    String relsPath = dir + "_rels/" + workbook.substring(dir.length()) + ".rels";
    Map<String, String> byId = new HashMap<>();
    Map<String, List<String>> byType = relationships(relsPath, dir, byId);
    String firstSheetId = readWorkbook(workbook);
    String sheet = firstSheetId == null ? null : byId.get(firstSheetId);
    if (sheet == null) {
      throw refuse("the workbook names no sheet");
    }
    List<String> shared = byType.get(REL_SHARED_STRINGS);
    strings = new SharedStrings(shared == null ? null : shared.get(0));
    List<String> styles = byType.get(REL_STYLES);
    if (styles != null) {
      readStyles(styles.get(0));
    }
    writeSheet(sheet, csv);
  }

  // ---- parts

  private Map<String, List<String>> relationships(String part, String base) throws IOException, XMLStreamException {
    return relationships(part, base, new HashMap<>());
  }

  /** A .rels part: targets by type suffix (e.g. "/styles"), and by id into {@code byId}; targets resolved from {@code base}. */
  private Map<String, List<String>> relationships(String part, String base, Map<String, String> byId)
      throws IOException, XMLStreamException {
    Map<String, List<String>> byType = new HashMap<>();
    XMLStreamReader r = open(part);
    if (r == null) {
      return byType;
    }
    try {
      while (next(r) != XMLStreamConstants.END_DOCUMENT) {
        if (r.isStartElement() && r.getLocalName().equals("Relationship")
            && !"External".equals(r.getAttributeValue(null, "TargetMode"))) {
          String type = r.getAttributeValue(null, "Type");
          String target = resolve(base, r.getAttributeValue(null, "Target"));
          if (type != null && target != null) {
            byType.computeIfAbsent(type.substring(type.lastIndexOf('/')), k -> new ArrayList<>()).add(target);
            byId.put(r.getAttributeValue(null, "Id"), target);
          }
        }
      }
    } finally {
      r.close();
    }
    return byType;
  }

  private static String resolve(String base, String target) {
    if (target == null) {
      return null;
    }
    String path = target.startsWith("/") ? target.substring(1) : base + target;
    List<String> parts = new ArrayList<>();
    for (String p : path.split("/")) {
      if (p.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
      } else if (!p.isEmpty() && !p.equals(".")) {
        parts.add(p);
      }
    }
    return String.join("/", parts);
  }

  /** The relationship id of the first sheet; notes the 1904 date system. */
  private String readWorkbook(String part) throws IOException, XMLStreamException {
    XMLStreamReader r = open(part);
    if (r == null) {
      throw refuse("the workbook part " + part + " is missing");
    }
    try {
      while (next(r) != XMLStreamConstants.END_DOCUMENT) {
        if (!r.isStartElement()) {
          continue;
        }
        if (r.getLocalName().equals("workbookPr")) {
          String d = r.getAttributeValue(null, "date1904");
          date1904 = "1".equals(d) || "true".equals(d);
        } else if (r.getLocalName().equals("sheet")) {
          for (int i = 0; i < r.getAttributeCount(); i++) {
            if (r.getAttributeLocalName(i).equals("id")) { // r:id, whatever the prefix's namespace
              return r.getAttributeValue(i);
            }
          }
        }
      }
      return null;
    } finally {
      r.close();
    }
  }

  /** Which cell formats ({@code cellXfs}, by index) show a date. */
  private void readStyles(String part) throws IOException, XMLStreamException {
    XMLStreamReader r = open(part);
    if (r == null) {
      return;
    }
    Map<Integer, Boolean> customDate = new HashMap<>();
    boolean inCellXfs = false;
    int xf = 0;
    try {
      while (next(r) != XMLStreamConstants.END_DOCUMENT) {
        if (r.isStartElement()) {
          switch (r.getLocalName()) {
            case "numFmt" -> {
              String id = r.getAttributeValue(null, "numFmtId");
              if (id != null && id.matches("\\d{1,6}")) {
                customDate.put(Integer.parseInt(id), isDateFormat(r.getAttributeValue(null, "formatCode")));
              }
            }
            case "cellXfs" -> inCellXfs = true;
            case "xf" -> {
              if (inCellXfs) {
                String id = r.getAttributeValue(null, "numFmtId");
                if (id != null && id.matches("\\d{1,6}")) {
                  int fmt = Integer.parseInt(id);
                  if (customDate.getOrDefault(fmt, isBuiltInDate(fmt))) {
                    dateStyles.set(xf);
                  }
                }
                if (++xf > 100_000) {
                  throw refuse("too many cell formats");
                }
              }
            }
            default -> { }
          }
        } else if (r.isEndElement() && r.getLocalName().equals("cellXfs")) {
          inCellXfs = false;
        }
      }
    } finally {
      r.close();
    }
  }

  /** Excel's built-in date formats, including those of the Chinese, Japanese and Korean locales. */
  static boolean isBuiltInDate(int id) {
    return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 58);
  }

  /** A custom format shows a date if, outside quoted text, escapes and [brackets], it has a year or a day. */
  static boolean isDateFormat(String code) {
    if (code == null) {
      return false;
    }
    StringBuilder bare = new StringBuilder();
    boolean quoted = false;
    int bracket = 0;
    for (int i = 0; i < code.length(); i++) {
      char c = code.charAt(i);
      if (quoted) {
        quoted = c != '"';
      } else if (c == '"') {
        quoted = true;
      } else if (c == '\\' || c == '_' || c == '*') {
        i++; // the next character is literal (or padding)
      } else if (c == '[') {
        bracket++;
      } else if (c == ']') {
        bracket = Math.max(0, bracket - 1);
      } else if (bracket == 0) {
        bare.append(Character.toLowerCase(c));
      }
    }
    String s = bare.toString();
    return s.indexOf('y') >= 0 || s.indexOf('d') >= 0;
  }

  // ---- the sheet

  private void writeSheet(String part, Path csv) throws IOException, XMLStreamException {
    XMLStreamReader r = open(part);
    if (r == null) {
      throw refuse("the first sheet's part " + part + " is missing");
    }
    try (Writer out = new BufferedWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8), 64 * 1024)) {
      String[] cells = new String[MAX_COLUMNS];
      int lastRow = 0;
      int rowNumber = 0;
      int lastColumn = -1; // of the cell before, in this row
      int widest = -1; // the rightmost column with a value, in this row
      int column = 0;
      String type = null;
      int style = 0;
      StringBuilder text = new StringBuilder();
      boolean inValue = false; // in <v>, or in <is>'s <t> outside a phonetic run
      boolean inPhonetic = false;
      boolean inSheetData = false;
      while (next(r) != XMLStreamConstants.END_DOCUMENT) {
        if (r.isStartElement()) {
          switch (r.getLocalName()) {
            case "sheetData" -> inSheetData = true;
            case "row" -> {
              if (!inSheetData) {
                break;
              }
              String n = r.getAttributeValue(null, "r");
              rowNumber = n == null ? lastRow + 1 : parseRow(n);
              if (rowNumber <= lastRow || rowNumber > MAX_ROW) {
                throw refuse("row " + rowNumber + " is out of order or beyond " + MAX_ROW);
              }
              for (int i = lastRow + 1; i < rowNumber; i++) {
                out.write('\n'); // a row the sheet leaves out: a blank line keeps the numbers
              }
              Arrays.fill(cells, null);
              lastColumn = -1;
              widest = -1;
            }
            case "c" -> {
              String ref = r.getAttributeValue(null, "r");
              column = ref == null ? lastColumn + 1 : parseColumn(ref);
              if (column <= lastColumn || column >= MAX_SHEET_COLUMNS) {
                throw refuse("row " + rowNumber + " has its cells out of order or beyond column XFD");
              }
              lastColumn = column;
              type = r.getAttributeValue(null, "t");
              String s = r.getAttributeValue(null, "s");
              style = s != null && s.matches("\\d{1,6}") ? Integer.parseInt(s) : 0;
              text.setLength(0);
            }
            case "v" -> inValue = true;
            case "rPh" -> inPhonetic = true;
            case "t" -> inValue = !inPhonetic;
            default -> { }
          }
        } else if (r.isCharacters() && inValue) {
          int room = MAX_CELL_CHARS - text.length();
          if (room > 0) {
            text.append(r.getTextCharacters(), r.getTextStart(), Math.min(room, r.getTextLength()));
          }
        } else if (r.isEndElement()) {
          switch (r.getLocalName()) {
            case "v", "t" -> inValue = false;
            case "rPh" -> inPhonetic = false;
            case "c" -> {
              String value = value(type, style, text.toString());
              if (!value.isEmpty()) {
                widest = Math.max(widest, column);
                if (column < MAX_COLUMNS) {
                  cells[column] = value;
                }
              }
            }
            case "row" -> {
              if (inSheetData) {
                writeRow(out, cells, widest);
                lastRow = rowNumber;
              }
            }
            case "sheetData" -> inSheetData = false;
            default -> { }
          }
        }
      }
    } finally {
      r.close();
    }
  }

  /** A row as one CSV line: at least the five columns, more if a cell beyond has a value (so the row is invalid_row). */
  private static void writeRow(Writer out, String[] cells, int widest) throws IOException {
    if (widest >= 0) {
      int fields = Math.min(MAX_COLUMNS, Math.max(ImportFile.HEADER.size(), widest + 1));
      for (int i = 0; i < fields; i++) {
        if (i > 0) {
          out.write(',');
        }
        writeField(out, cells[i] == null ? "" : cells[i]);
      }
    }
    out.write('\n');
  }

  /** RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
  static void writeField(Writer out, String value) throws IOException {
    boolean quote = false;
    for (int i = 0; i < value.length() && !quote; i++) {
      char c = value.charAt(i);
      quote = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    if (!quote) {
      out.write(value);
      return;
    }
    out.write('"');
    out.write(value.replace("\"", "\"\""));
    out.write('"');
  }

  /** A cell's value as text, the way the CSV would have it. */
  private String value(String type, int style, String raw) throws IOException {
    if (type == null || type.equals("n")) {
      String v = raw.strip();
      if (v.isEmpty()) {
        return "";
      }
      BigDecimal number = new BigDecimal(v);
      if (dateStyles.get(style)) {
        LocalDate date = serialDate(number);
        if (date != null) {
          return date.toString();
        }
      }
      return plain(number);
    }
    return switch (type) {
      case "s" -> {
        String v = raw.strip();
        if (!v.matches("\\d{1,9}")) {
          throw refuse("a shared string cell names no string: " + v);
        }
        yield strings.get(Integer.parseInt(v));
      }
      case "b" -> "1".equals(raw.strip()) ? "TRUE" : "FALSE";
      // An ISO 8601 date or date-time: the date, as a CSV would write it.
      case "d" -> raw.strip().matches("\\d{4}-\\d{2}-\\d{2}.*") ? raw.strip().substring(0, 10) : raw;
      default -> raw; // inlineStr, str (a formula's text), e (an error such as #N/A)
    };
  }

  /** A number as written by hand: 13800138000 not 1.3800138E10, 100 not 100.0; a fraction stays one. */
  static String plain(BigDecimal number) {
    BigDecimal n = number.stripTrailingZeros();
    if (n.scale() < -20 || n.scale() > 20) {
      return number.toString(); // absurd: keep it as given, it fails the row's check
    }
    return n.scale() <= 0 ? n.toBigInteger().toString() : n.toPlainString();
  }

  /** An Excel serial day as a date (the time of day dropped), or null when it is none. */
  LocalDate serialDate(BigDecimal serial) {
    if (serial.signum() <= 0 || serial.compareTo(BigDecimal.valueOf(2_958_466)) >= 0) {
      return null; // before 1900-01-01 or after 9999-12-31
    }
    long days = serial.longValue();
    if (date1904) {
      return LocalDate.of(1904, 1, 1).plusDays(days);
    }
    // Excel counts 1900-02-29, a day that never was (serial 60): days after it are one off.
    return days < 60 ? LocalDate.of(1899, 12, 31).plusDays(days) : LocalDate.of(1899, 12, 30).plusDays(days);
  }

  static int parseRow(String n) {
    if (!n.matches("\\d{1,7}")) {
      throw refuse("a row number is " + n);
    }
    return Integer.parseInt(n);
  }

  /** "C12" → 2. */
  static int parseColumn(String ref) {
    int column = 0;
    int i = 0;
    for (; i < ref.length() && Character.isLetter(ref.charAt(i)); i++) {
      char c = Character.toUpperCase(ref.charAt(i));
      if (c < 'A' || c > 'Z' || i >= 3) {
        throw refuse("a cell reference is " + ref);
      }
      column = column * 26 + (c - 'A' + 1);
    }
    if (i == 0) {
      throw refuse("a cell reference is " + ref);
    }
    return column - 1;
  }

  // ---- reading parts, within the budget

  private XMLStreamReader open(String part) throws IOException, XMLStreamException {
    ZipEntry entry = zip.getEntry(part);
    if (entry == null || entry.isDirectory()) {
      return null;
    }
    return xml.createXMLStreamReader(guard.watch(budget.count(zip.getInputStream(entry))));
  }

  /** The next event; a DTD (and with it any entity declared there) is refused. */
  private static int next(XMLStreamReader r) throws XMLStreamException {
    int event = r.next();
    if (event == XMLStreamConstants.DTD || event == XMLStreamConstants.ENTITY_REFERENCE) {
      throw refuse("a spreadsheet's XML has no DTD and no entities");
    }
    return event;
  }

  /** Bytes unzipped so far, across every part: counted as read, not as the zip claims. */
  private static final class Budget {
    private long read;

    InputStream count(InputStream in) {
      return new FilterInputStream(in) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          if (b >= 0) {
            add(1);
          }
          return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
          int n = super.read(buf, off, len);
          if (n > 0) {
            add(n);
          }
          return n;
        }
      };
    }

    private void add(long n) {
      read += n;
      if (read > MAX_UNZIPPED_BYTES) {
        throw refuse("the workbook unzips to more than " + MAX_UNZIPPED_BYTES + " bytes");
      }
    }
  }

  /**
   * The shared strings table, spilled to a temporary file as UTF-8 and found through an offset per
   * string, so its size on the heap is four bytes a string whatever their length.
   */
  private final class SharedStrings implements AutoCloseable {
    private final Path file;
    private int[] offsets = new int[1024];
    private int count;
    private ByteBuffer bytes;

    SharedStrings(String part) throws IOException, XMLStreamException {
      this.file = Files.createTempFile("member-import-strings", ".bin");
      try {
        read(part);
      } catch (IOException | XMLStreamException | RuntimeException e) {
        close();
        throw e;
      }
    }

    private void read(String part) throws IOException, XMLStreamException {
      XMLStreamReader r = part == null ? null : open(part);
      long size = 0;
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
        if (r != null) {
          StringBuilder text = new StringBuilder();
          boolean inText = false;
          boolean inPhonetic = false;
          while (next(r) != XMLStreamConstants.END_DOCUMENT) {
            if (r.isStartElement()) {
              switch (r.getLocalName()) {
                case "si" -> text.setLength(0);
                case "rPh" -> inPhonetic = true;
                case "t" -> inText = !inPhonetic;
                default -> { }
              }
            } else if (r.isCharacters() && inText) {
              int room = MAX_CELL_CHARS - text.length();
              if (room > 0) {
                text.append(r.getTextCharacters(), r.getTextStart(), Math.min(room, r.getTextLength()));
              }
            } else if (r.isEndElement()) {
              switch (r.getLocalName()) {
                case "t" -> inText = false;
                case "rPh" -> inPhonetic = false;
                case "si" -> {
                  if (count == MAX_SHARED_STRINGS) {
                    throw refuse("a workbook has at most " + MAX_SHARED_STRINGS + " shared strings");
                  }
                  byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
                  out.write(utf8);
                  if (count + 1 >= offsets.length) {
                    offsets = Arrays.copyOf(offsets, offsets.length * 2);
                  }
                  offsets[count] = (int) size;
                  size += utf8.length;
                  offsets[++count] = (int) size;
                }
                default -> { }
              }
            }
          }
          r.close();
        }
      }
      try (FileChannel channel = FileChannel.open(file)) {
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        bytes = mapped;
      }
    }

    String get(int index) {
      if (index >= count) {
        throw refuse("a cell names shared string " + index + " of " + count);
      }
      int from = offsets[index];
      byte[] utf8 = new byte[offsets[index + 1] - from];
      bytes.get(from, utf8);
      return new String(utf8, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      bytes = null;
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a temporary file left behind; nothing else to do
      }
    }
  }
}

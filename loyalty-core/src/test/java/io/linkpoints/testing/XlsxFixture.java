package io.linkpoints.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes small, valid XLSX workbooks with java.util.zip, the way a spreadsheet program does, for the
 * import tests: one sheet; a {@code String} cell is a shared string, an {@link Inline} an inline
 * string, a {@code Number} a numeric cell, a {@code LocalDate} a serial number styled with Excel's
 * built-in date format 14, a {@link CustomDate} one styled with a custom format ({@code yyyy/mm/dd}),
 * null no cell at all. A null row is a row the sheet leaves out (its number is skipped).
 */
public final class XlsxFixture {
  /** A cell written as an inline string. */
  public record Inline(String text) {
  }

  /** A date cell under a custom number format. */
  public record CustomDate(LocalDate date) {
  }

  private XlsxFixture() {
  }

  public static byte[] bytes(List<List<Object>> rows) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, rows);
    return out.toByteArray();
  }

  /** Writes the workbook; rows are read once, as they come (shared strings are kept until the end). */
  public static void write(OutputStream target, Iterable<List<Object>> rows) {
    try (ZipOutputStream zip = new ZipOutputStream(target, StandardCharsets.UTF_8)) {
      entry(zip, "[Content_Types].xml", """
          <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
          <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
          <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
          <Default Extension="xml" ContentType="application/xml"/>\
          <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
          <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
          <Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>\
          <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
          </Types>""");
      entry(zip, "_rels/.rels", """
          <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
          <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
          <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
          </Relationships>""");
      entry(zip, "xl/workbook.xml", """
          <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
          <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
          xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
          <workbookPr/><sheets><sheet name="会员" sheetId="1" r:id="rId1"/></sheets></workbook>""");
      entry(zip, "xl/_rels/workbook.xml.rels", """
          <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
          <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
          <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>\
          <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>\
          <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
          </Relationships>""");
      // Cell formats: 0 general, 1 the built-in date 14, 2 a custom date, 3 "#,##0" (a number, not a date).
      entry(zip, "xl/styles.xml", """
          <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
          <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
          <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/mm/dd;@"/></numFmts>\
          <cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>\
          <cellXfs count="4"><xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/>\
          <xf numFmtId="164" xfId="0" applyNumberFormat="1"/><xf numFmtId="3" xfId="0" applyNumberFormat="1"/></cellXfs>\
          </styleSheet>""");
      Map<String, Integer> shared = new HashMap<>();
      List<String> strings = new ArrayList<>();
      zip.putNextEntry(new ZipEntry("xl/worksheets/sheet1.xml"));
      Writer sheet = new java.io.BufferedWriter(new java.io.OutputStreamWriter(zip, StandardCharsets.UTF_8));
      sheet.write("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
      int r = 0;
      for (List<Object> row : rows) {
        r++;
        if (row == null) {
          continue;
        }
        sheet.write("<row r=\"" + r + "\">");
        for (int c = 0; c < row.size(); c++) {
          Object v = row.get(c);
          if (v == null) {
            continue;
          }
          String ref = (char) ('A' + c) + String.valueOf(r);
          if (v instanceof String s) {
            Integer index = shared.get(s);
            if (index == null) {
              index = strings.size();
              shared.put(s, index);
              strings.add(s);
            }
            sheet.write("<c r=\"" + ref + "\" t=\"s\"><v>" + index + "</v></c>");
          } else if (v instanceof Inline in) {
            sheet.write("<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + escape(in.text()) + "</t></is></c>");
          } else if (v instanceof LocalDate d) {
            sheet.write("<c r=\"" + ref + "\" s=\"1\"><v>" + serial(d) + "</v></c>");
          } else if (v instanceof CustomDate d) {
            sheet.write("<c r=\"" + ref + "\" s=\"2\"><v>" + serial(d.date()) + "</v></c>");
          } else if (v instanceof Number n) {
            sheet.write("<c r=\"" + ref + "\" s=\"3\"><v>" + new BigDecimal(n.toString()) + "</v></c>");
          } else {
            throw new IllegalArgumentException("no cell for " + v.getClass());
          }
        }
        sheet.write("</row>");
      }
      sheet.write("</sheetData></worksheet>");
      sheet.flush();
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("xl/sharedStrings.xml"));
      Writer out = new java.io.BufferedWriter(new java.io.OutputStreamWriter(zip, StandardCharsets.UTF_8));
      out.write("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          + "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"" + strings.size()
          + "\" uniqueCount=\"" + strings.size() + "\">");
      for (String s : strings) {
        out.write("<si><t xml:space=\"preserve\">" + escape(s) + "</t></si>");
      }
      out.write("</sst>");
      out.flush();
      zip.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A zip of the given parts (name, text), for hostile or broken workbooks. */
  public static byte[] zip(Map<String, String> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
      for (Map.Entry<String, String> p : parts.entrySet()) {
        entry(zip, p.getKey(), p.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Excel's serial day (1900 system) of a date after 1900-02-28. */
  public static long serial(LocalDate d) {
    return ChronoUnit.DAYS.between(LocalDate.of(1899, 12, 30), d);
  }

  private static void entry(ZipOutputStream zip, String name, String text) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(text.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }

  public static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}

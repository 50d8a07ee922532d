package io.linkpoints.imports;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.XlsxFixture;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The XLSX reader on workbooks as other programs write them: rich text and phonetic runs in shared
 * strings, the 1904 date system, a custom Chinese date format, cells without references, a workbook
 * whose parts are not where Excel puts them (found through the relationships).
 */
class XlsxToCsvTest {
  private static final String MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
  private static final String RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

  @TempDir
  Path dir;

  private String convert(Map<String, String> parts) throws Exception {
    Path xlsx = Files.write(dir.resolve("in.xlsx"), XlsxFixture.zip(parts));
    Path csv = dir.resolve("out.csv");
    XlsxToCsv.convert(xlsx, csv);
    return Files.readString(csv, StandardCharsets.UTF_8);
  }

  /** A workbook in {@code book/} (not xl/), its parts named through the relationships. */
  private static Map<String, String> workbook(boolean date1904, String sheetData) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("_rels/.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"a\" Type=\"" + RELS + "/officeDocument\" Target=\"/book/main.xml\"/></Relationships>");
    p.put("book/main.xml", "<x:workbook xmlns:x=\"" + MAIN + "\" xmlns:q=\"" + RELS + "\">"
        + (date1904 ? "<x:workbookPr date1904=\"1\"/>" : "")
        + "<x:sheets><x:sheet name=\"first\" sheetId=\"7\" q:id=\"s7\"/><x:sheet name=\"second\" sheetId=\"1\" q:id=\"s1\"/>"
        + "</x:sheets></x:workbook>");
    p.put("book/_rels/main.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"s1\" Type=\"" + RELS + "/worksheet\" Target=\"sheets/other.xml\"/>"
        + "<Relationship Id=\"s7\" Type=\"" + RELS + "/worksheet\" Target=\"sheets/../sheets/members.xml\"/>"
        + "<Relationship Id=\"t\" Type=\"" + RELS + "/sharedStrings\" Target=\"text.xml\"/>"
        + "<Relationship Id=\"y\" Type=\"" + RELS + "/styles\" Target=\"look.xml\"/></Relationships>");
    p.put("book/text.xml", "<sst xmlns=\"" + MAIN + "\">"
        + "<si><t>phone</t></si><si><t>name</t></si>"
        + "<si><r><t>王</t></r><r><rPr><b/></rPr><t>芳</t></r><rPh sb=\"0\" eb=\"1\"><t>wang fang</t></rPh></si>"
        + "<si><t>a, \"b\"</t></si></sst>");
    p.put("book/look.xml", "<styleSheet xmlns=\"" + MAIN + "\"><numFmts><numFmt numFmtId=\"180\""
        + " formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/><numFmt numFmtId=\"181\""
        + " formatCode=\"[Red]0.00&quot;d&quot;\"/></numFmts>"
        + "<cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs>"
        + "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"180\"/><xf numFmtId=\"181\"/></cellXfs></styleSheet>");
    p.put("book/sheets/other.xml", "<worksheet xmlns=\"" + MAIN + "\"><sheetData><row><c t=\"inlineStr\"><is><t>not"
        + " this one</t></is></c></row></sheetData></worksheet>");
    p.put("book/sheets/members.xml", "<worksheet xmlns=\"" + MAIN + "\"><sheetData>" + sheetData
        + "</sheetData></worksheet>");
    return p;
  }

  @Test
  void richTextPhoneticRunsTheFirstSheetAndADateSystemAreReadAsAPersonSeesThem() throws Exception {
    String data = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c><c t=\"inlineStr\"><is><t>birthday"
        + "</t></is></c><c t=\"str\"><f>\"points\"</f><v>points</v></c><c t=\"inlineStr\"><is><t>expires_on</t></is></c></row>"
        + "<row r=\"3\"><c r=\"A3\"><v>1.3800138E10</v></c><c r=\"B3\" t=\"s\"><v>2</v></c>"
        + "<c r=\"C3\" s=\"1\"><v>31911</v></c><c r=\"D3\" s=\"2\"><v>100.0</v></c><c r=\"E3\" t=\"d\"><v>2099-12-31T00:00:00</v></c></row>"
        + "<row r=\"4\"><c r=\"B4\" t=\"s\"><v>3</v></c><c r=\"D4\" t=\"b\"><v>1</v></c></row>";
    // Serial 31911 is 1991-05-15 in the 1904 system (day 0 = 1904-01-01), 1987-05-14 in the 1900 one: 1,462 days apart.
    assertEquals("phone,name,birthday,points,expires_on\n"
        + "\n"
        + "13800138000,王芳,1991-05-15,100,2099-12-31\n"
        + ",\"a, \"\"b\"\"\",,TRUE,\n", convert(workbook(true, data)));
    assertTrue(convert(workbook(false, data)).contains(",1987-05-14,"));
  }

  @Test
  void aValueRightOfTheFiveColumnsMakesTheRowLonger() throws Exception {
    String data = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
        + "<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"G2\" t=\"inlineStr\"><is><t>x</t></is></c></row>"
        + "<row r=\"3\"><c r=\"A3\"><v>2</v></c><c r=\"G3\" t=\"inlineStr\"><is><t></t></is></c></row>";
    assertEquals("phone,,,,\n1,,,,,,x\n2,,,,\n", convert(workbook(false, data)));
  }

  @Test
  void rowsOutOfOrderOrAMissingSharedStringAreRefused() {
    for (String data : new String[] {"<row r=\"2\"/><row r=\"1\"/>", "<row r=\"1\"><c r=\"B1\"/><c r=\"A1\"/></row>",
        "<row r=\"1\"><c t=\"s\"><v>99</v></c></row>", "<row r=\"1048577\"/>", "<row r=\"1\"><c r=\"XFE1\"/></row>"}) {
      ApiException e = assertThrows(ApiException.class, () -> convert(workbook(false, data)), data);
      assertEquals(ProblemCode.INVALID_SPREADSHEET, e.problem(), data);
    }
  }

  /**
   * What the JDK's parser would hold whole (measured: a 150 MB attribute, comment or processing
   * instruction, or ten million distinct element names, each run a 64 MB heap out of memory) is
   * refused while it streams by, long before its end.
   */
  @Test
  void markupTheParserWouldHoldWholeIsRefusedOnTheWay() {
    String big = "a".repeat(XmlGuard.MAX_MARKUP);
    StringBuilder names = new StringBuilder();
    for (int i = 0; i <= XmlGuard.MAX_NAMES; i++) {
      names.append("<e").append(i).append("/>");
    }
    String deep = "<d>".repeat(XmlGuard.MAX_DEPTH) + "</d>".repeat(XmlGuard.MAX_DEPTH);
    for (String data : new String[] {"<row r=\"1\" x=\"" + big + "\"/>", "<!--" + big + "-->", "<?p " + big + "?>",
        "<row><c t=\"inlineStr\"><is><t><![CDATA[" + big + "]]></t></is></c></row>", names.toString(), deep,
        "<row xmlns:p=\"urn:" + "u".repeat(XmlGuard.MAX_NAME) + "\"/>", "<" + "n".repeat(XmlGuard.MAX_NAME + 1) + "/>"}) {
      ApiException e = assertThrows(ApiException.class, () -> convert(workbook(false, data)), data.substring(0, 40));
      assertEquals(ProblemCode.INVALID_SPREADSHEET, e.problem());
    }
    // Just inside the limits it is read: comments, a PI, CDATA, nesting and names as a workbook may have them.
    String fine = "<!-- a > b --><?p x?><row r=\"1\"><c t=\"inlineStr\"><is><t><![CDATA[phone]]></t></is></c></row>"
        + "<row r=\"2\" xmlns:p=\"urn:x\" p:a='/>'><c><v>1</v></c></row>" + "<d>".repeat(XmlGuard.MAX_DEPTH - 4)
        + "</d>".repeat(XmlGuard.MAX_DEPTH - 4);
    assertDoesNotThrow(() -> assertEquals("phone,,,,\n1,,,,\n", convert(workbook(false, fine))));
  }

  @Test
  void dateFormatsAreToldFromNumberFormats() {
    assertTrue(XlsxToCsv.isDateFormat("yyyy/mm/dd;@"));
    assertTrue(XlsxToCsv.isDateFormat("[$-F800]dddd, mmmm dd, yyyy"));
    assertTrue(XlsxToCsv.isDateFormat("yyyy\"年\"m\"月\"d\"日\""));
    assertFalse(XlsxToCsv.isDateFormat("#,##0.00"));
    assertFalse(XlsxToCsv.isDateFormat("0\" days\""));
    assertFalse(XlsxToCsv.isDateFormat("[h]:mm:ss"));
    assertFalse(XlsxToCsv.isDateFormat("General"));
    assertTrue(XlsxToCsv.isBuiltInDate(14) && XlsxToCsv.isBuiltInDate(57) && !XlsxToCsv.isBuiltInDate(3));
    assertEquals("13800138000", XlsxToCsv.plain(new BigDecimal("1.3800138E10")));
    assertEquals("100", XlsxToCsv.plain(new BigDecimal("100.000")));
    assertEquals("12.5", XlsxToCsv.plain(new BigDecimal("12.50")));
    assertEquals("-5", XlsxToCsv.plain(new BigDecimal("-5")));
  }
}

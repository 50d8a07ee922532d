package io.linkpoints.imports;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.XlsxFixture;
import io.linkpoints.testing.XlsxFixture.CustomDate;
import io.linkpoints.testing.XlsxFixture.Inline;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Member import from an XLSX through the API on a real PostgreSQL: the workbook (written in the test
 * with java.util.zip: shared and inline strings, numbers, built-in and custom date formats, a row
 * left out) checks exactly as its CSV does; it imports once; a zip bomb, an XXE, a billion laughs and
 * a broken zip are refused with {@code invalid_spreadsheet} and write nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemberImportXlsxTest {
  private static final String XLSX = ImportRoutes.XLSX;
  private Vertx vertx;
  private ApiFixture api;
  private int worlds;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
  }

  @AfterEach
  void ledgerStillAddsUp() {
    api.assertLedgerOk();
  }

  @AfterAll
  void stop() {
    api.close();
    await(vertx.close());
  }

  private ApiFixture.World world() {
    return api.world("xlsx" + (++worlds));
  }

  private static String path(ApiFixture.World w, boolean dryRun) {
    return "/v1/alliances/" + w.allianceId() + "/shops/" + w.shopId() + "/member-imports?dryRun=" + dryRun;
  }

  private static List<Object> row(Object... cells) {
    return Arrays.asList(cells);
  }

  private static List<Object> header() {
    return row("phone", new Inline("name"), "birthday", "points", new Inline("expires_on"));
  }

  @Test
  void aWorkbookChecksExactlyAsItsCsvDoes() {
    ApiFixture.World w = world();
    api.memberSignIn(w.allianceId(), "+8613900000001");
    List<List<Object>> rows = new ArrayList<>();
    rows.add(header());
    rows.add(row(13900000001L, "老会员", null, 100, null));                                  // 2 matched, phone a number
    rows.add(row("+86 138 0000 0002", new Inline("王芳"), LocalDate.of(1990, 5, 12), 200,
        new CustomDate(LocalDate.of(2099, 12, 31))));                                       // 3 new, dates
    rows.add(row(new Inline("008613800000003"), "Li, \"Jun\"", "02-29", 0, null));          // 4 new
    rows.add(null);                                                                         // 5 left out
    rows.add(row(12800000004L, "x", null, 10, null));                                      // 6 invalid_phone
    rows.add(row(13800000002L, "dup", null, 10, null));                                    // 7 duplicate_in_file
    rows.add(row(13800000006L, "x", null, new BigDecimal("12.5"), null));                  // 8 invalid_points
    rows.add(row(13800000007L, "x", "1990-02-30", 5, null));                               // 9 invalid_birthday
    rows.add(row(13800000008L, "x", null, 5, LocalDate.of(2000, 1, 1)));                   // 10 invalid_date
    rows.add(row(13800000009L, "x", null, 5, "31/12/2099"));                               // 11 invalid_date
    rows.add(row(13800000010L, "x", null, 5, null, "extra"));                              // 12 invalid_row
    rows.add(row(13800000011L, "x", null, -5, null));                                      // 13 invalid_points
    String csv = "phone,name,birthday,points,expires_on\n"
        + "13900000001,老会员,,100,\n"
        + "+86 138 0000 0002,王芳,1990-05-12,200,2099-12-31\n"
        + "008613800000003,\"Li, \"\"Jun\"\"\",02-29,0,\n"
        + "\n"
        + "12800000004,x,,10,\n"
        + "13800000002,dup,,10,\n"
        + "13800000006,x,,12.5,\n"
        + "13800000007,x,1990-02-30,5,\n"
        + "13800000008,x,,5,2000-01-01\n"
        + "13800000009,x,,5,31/12/2099\n"
        + "13800000010,x,,5,,extra\n"
        + "13800000011,x,,-5,\n";
    JsonObject fromXlsx = expect(200, api.postRaw(path(w, true), w.ownerToken(), XLSX,
        Buffer.buffer(XlsxFixture.bytes(rows))));
    JsonObject fromCsv = expect(200, api.postRaw(path(w, true), w.ownerToken(), "text/csv", Buffer.buffer(csv)));
    assertEquals(fromCsv, fromXlsx);
    assertEquals(11, fromXlsx.getInteger("rows"));
    assertEquals(2, fromXlsx.getInteger("newMembers"));
    assertEquals(1, fromXlsx.getInteger("matchedMembers"));
    assertEquals(300, fromXlsx.getLong("points"));
    JsonArray errors = fromXlsx.getJsonArray("errors");
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < errors.size(); i++) {
      seen.add(errors.getJsonObject(i).getInteger("row") + ":" + errors.getJsonObject(i).getString("code"));
    }
    assertEquals(List.of("6:invalid_phone", "7:duplicate_in_file", "8:invalid_points", "9:invalid_birthday",
        "10:invalid_date", "11:invalid_date", "12:invalid_row", "13:invalid_points"), seen);

    // Refused whole, as a CSV would be.
    expect(422, api.postRaw(path(w, false), w.ownerToken(), XLSX, Buffer.buffer(XlsxFixture.bytes(rows))));
    assertNothingWritten(w, 1);
  }

  @Test
  void aWorkbookImportsOnceAndTheSameBytesAgainChangeNothing() throws Exception {
    ApiFixture.World w = world();
    api.memberSignIn(w.allianceId(), "+8613900000001");
    byte[] workbook = XlsxFixture.bytes(List.of(header(),
        row(13900000001L, "老会员", null, 100, null),
        row("+86 138 0000 0002", "王芳", LocalDate.of(1990, 5, 12), 200.0, new CustomDate(LocalDate.of(2099, 12, 31))),
        row(new Inline("13800000003"), null, null, 0, null)));
    JsonObject accepted = expect(202, api.postRaw(path(w, false), w.adminToken(), XLSX, Buffer.buffer(workbook)));
    long id = accepted.getLong("id");
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(workbook)),
        accepted.getString("sha256"), "the import is keyed by the bytes uploaded, not the CSV made of them");
    String progress = "/v1/alliances/" + w.allianceId() + "/shops/" + w.shopId() + "/member-imports/" + id;
    until(() -> "done".equals(expect(200, api.get(progress, w.adminToken())).getString("status")), 60, "imported");
    JsonObject done = expect(200, api.get(progress, w.adminToken()));
    assertEquals(3, done.getInteger("rowsDone"));
    assertEquals(2, done.getInteger("newMembers"));
    long a = w.allianceId();
    assertEquals(3, api.count("/* test */ select count(*) from member where alliance_id = " + a));
    assertEquals("王芳 1990-5-12", api.text("/* test */ select name || ' ' || birth_year || '-' || birth_month || '-'"
        + " || birth_day from member where alliance_id = " + a + " and phone = '+8613800000002'"));
    String transfers = "/* test */ select count(*) from ledger_transfer where alliance_id = " + a
        + " and code = 'member_import'";
    assertEquals(2, api.count(transfers));
    assertEquals(300, api.count("/* test */ select coalesce(sum(amount), 0) from ledger_transfer where alliance_id = "
        + a + " and code = 'member_import'"));
    // The custom-format date cell is the lot's expiry: the end of 2099-12-31 in Shanghai.
    assertEquals("2099-12-31T16:00Z", api.text("/* test */ select to_char(l.expires_at at time zone 'UTC',"
        + " 'YYYY-MM-DD\"T\"HH24:MI\"Z\"') from ledger_lot l join ledger_account w on w.alliance_id = l.alliance_id"
        + " and w.id = l.account_id join member m on m.alliance_id = w.alliance_id and m.id = w.owner_id"
        + " where l.alliance_id = " + a + " and w.kind = 'member_wallet' and m.phone = '+8613800000002'"));

    JsonObject again = expect(200, api.postRaw(path(w, false), w.ownerToken(), XLSX, Buffer.buffer(workbook)));
    assertEquals(id, again.getLong("id"));
    assertEquals(2, api.count(transfers));
    // The shop's list (the portals'): this one import, done; a shop that is not there is 404.
    String list = "/v1/alliances/" + a + "/shops/" + w.shopId() + "/member-imports";
    JsonArray items = expect(200, api.get(list, w.ownerToken())).getJsonArray("items");
    assertEquals(1, items.size());
    assertEquals(id, items.getJsonObject(0).getLong("id"));
    assertEquals("done", items.getJsonObject(0).getString("status"));
    assertEquals(404, api.get("/v1/alliances/" + a + "/shops/999999/member-imports", w.adminToken()).statusCode());
    assertEquals(1, api.count("/* test */ select count(*) from member_import where alliance_id = " + a));
    assertEquals(3, api.count("/* test */ select count(*) from member where alliance_id = " + a));
  }

  /** Keyed by the workbook's bytes: the same workbook sent 8 times at once makes one import. */
  @Test
  void theSameWorkbookSentEightTimesAtOnceIsImportedOnce() throws InterruptedException {
    ApiFixture.World w = world();
    List<List<Object>> rows = new ArrayList<>();
    rows.add(header());
    for (int i = 0; i < 1200; i++) { // more than two batches of 500
      rows.add(row(13_700_000_000L + i, null, null, i % 7 + 1, null));
    }
    Buffer body = Buffer.buffer(XlsxFixture.bytes(rows));
    String p = path(w, false);
    List<Future<HttpResponse<Buffer>>> racers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      racers.add(api.postRawAsync(p, w.ownerToken(), XLSX, body));
    }
    await(Future.join(racers));
    Set<Long> ids = new HashSet<>();
    int accepted = 0;
    for (Future<HttpResponse<Buffer>> r : racers) {
      HttpResponse<Buffer> response = ApiFixture.checked(HttpMethod.POST, p, r.result());
      assertTrue(response.statusCode() == 202 || response.statusCode() == 200, response.bodyAsString());
      accepted += response.statusCode() == 202 ? 1 : 0;
      ids.add(response.bodyAsJsonObject().getLong("id"));
    }
    assertEquals(1, accepted);
    assertEquals(1, ids.size());
    String progress = "/v1/alliances/" + w.allianceId() + "/shops/" + w.shopId() + "/member-imports/"
        + ids.iterator().next();
    until(() -> "done".equals(expect(200, api.get(progress, w.ownerToken())).getString("status")), 60, "imported");
    long a = w.allianceId();
    assertEquals(1, api.count("/* test */ select count(*) from member_import where alliance_id = " + a));
    assertEquals(1200, api.count("/* test */ select count(*) from ledger_transfer where alliance_id = " + a
        + " and code = 'member_import'"));
    // sum over i < 1200 of (i % 7 + 1): 171 cycles of 1..7 (28 each) = 4788, then 1 + 2 + 3.
    assertEquals(4794, api.count("/* test */ select sum(amount) from ledger_transfer where alliance_id = " + a
        + " and code = 'member_import'"));
  }

  @Test
  void aZipBombIsRefusedWhetherItsSizesAreTrueOrNot() throws IOException {
    ApiFixture.World w = world();
    for (boolean lie : new boolean[] {false, true}) {
      byte[] bomb = bomb(XlsxToCsv.MAX_UNZIPPED_BYTES + 1024 * 1024, lie);
      assertTrue(bomb.length < 2 * 1024 * 1024, "a bomb is small: " + bomb.length);
      HttpResponse<Buffer> refused = api.postRaw(path(w, false), w.ownerToken(), XLSX, Buffer.buffer(bomb));
      assertEquals(400, refused.statusCode(), refused.bodyAsString());
      assertEquals("invalid_spreadsheet", problemCode(refused));
      assertTrue(refused.bodyAsString().contains("unzips to more than"), refused.bodyAsString());
    }
    assertNothingWritten(w, 0);
  }

  @Test
  void xmlEntitiesAreRefusedAndNeverResolved() {
    ApiFixture.World w = world();
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
        + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
        + "<row r=\"1\"><c t=\"inlineStr\"><is><t>phone</t></is></c><c t=\"inlineStr\"><is><t>name</t></is></c>"
        + "<c t=\"inlineStr\"><is><t>birthday</t></is></c><c t=\"inlineStr\"><is><t>points</t></is></c>"
        + "<c t=\"inlineStr\"><is><t>expires_on</t></is></c></row>"
        + "<row r=\"2\"><c t=\"inlineStr\"><is><t>13800000001</t></is></c><c t=\"inlineStr\"><is><t>&xxe;</t></is></c>"
        + "<c/><c><v>1</v></c></row></sheetData></worksheet>";
    String laughs = "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY a \"ha\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">"
        + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
        + "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>&d;</t></si></sst>";
    for (Map<String, String> parts : List.of(workbook(xxe, null), workbook(sheetWithSharedString(), laughs))) {
      HttpResponse<Buffer> refused = api.postRaw(path(w, false), w.ownerToken(), XLSX,
          Buffer.buffer(XlsxFixture.zip(parts)));
      assertEquals(400, refused.statusCode(), refused.bodyAsString());
      assertEquals("invalid_spreadsheet", problemCode(refused));
      assertFalse(refused.bodyAsString().contains("root:"), "no file's content leaks");
    }
    // The same sheet without the DOCTYPE is read (so the refusal above is the DTD's, not a broken part).
    String plain = xxe.replace("<!DOCTYPE w [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>", "").replace("&xxe;", "Li");
    JsonObject check = expect(200, api.postRaw(path(w, true), w.ownerToken(), XLSX,
        Buffer.buffer(XlsxFixture.zip(workbook(plain, null)))));
    assertEquals(1, check.getInteger("rows"));
    assertEquals(0, check.getInteger("errorCount"), check.encode());
    assertNothingWritten(w, 0);
  }

  @Test
  void aBrokenZipOrAnotherFileIsRefused() {
    ApiFixture.World w = world();
    byte[] good = XlsxFixture.bytes(List.of(header(), row(13800000001L, "x", null, 1, null)));
    List<byte[]> broken = List.of(Arrays.copyOf(good, good.length / 2), // cut short
        "phone,name,birthday,points,expires_on\n13800000001,x,,1,\n".getBytes(StandardCharsets.UTF_8), // a CSV
        XlsxFixture.zip(Map.of("hello.txt", "not a workbook")), // a zip, no workbook
        new byte[0]);
    for (byte[] body : broken) {
      HttpResponse<Buffer> refused = api.postRaw(path(w, false), w.ownerToken(), XLSX, Buffer.buffer(body));
      assertEquals(400, refused.statusCode(), refused.bodyAsString());
      assertEquals("invalid_spreadsheet", problemCode(refused));
    }
    // The whole file is a workbook: its check passes (the refusals above are about the bytes).
    assertEquals(0, expect(200, api.postRaw(path(w, true), w.ownerToken(), XLSX, Buffer.buffer(good)))
        .getInteger("errorCount"));
    assertNothingWritten(w, 0);
  }

  // ---- helpers

  private void assertNothingWritten(ApiFixture.World w, long membersBefore) {
    long a = w.allianceId();
    assertEquals(membersBefore, api.count("/* test */ select count(*) from member where alliance_id = " + a));
    assertEquals(0, api.count("/* test */ select count(*) from member_import where alliance_id = " + a));
    assertEquals(0, api.count("/* test */ select count(*) from ledger_transfer where alliance_id = " + a
        + " and code = 'member_import'"));
  }

  private static String sheetWithSharedString() {
    return "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        + "<sheetData><row r=\"1\"><c t=\"s\"><v>0</v></c></row></sheetData></worksheet>";
  }

  /** The parts of a workbook with this sheet (and shared strings, if any). */
  private static Map<String, String> workbook(String sheet, String sharedStrings) {
    Map<String, String> parts = new LinkedHashMap<>();
    parts.put("_rels/.rels", "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
        + "2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        + "relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
    parts.put("xl/workbook.xml", "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/"
        + "spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        + "<sheets><sheet name=\"s\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
    parts.put("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas."
        + "openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas."
        + "openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        + "sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>");
    parts.put("xl/worksheets/sheet1.xml", sheet);
    if (sharedStrings != null) {
      parts.put("xl/sharedStrings.xml", sharedStrings);
    }
    return parts;
  }

  /**
   * A workbook whose sheet unzips to {@code size} bytes (a header row, then empty elements), in well
   * under 1 MB; with {@code lie}, the zip's central directory claims the sheet is 1,000 bytes.
   */
  private static byte[] bomb(long size, boolean lie) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
      for (Map.Entry<String, String> p : workbook("", null).entrySet()) {
        if (p.getKey().endsWith("sheet1.xml")) {
          continue;
        }
        zip.putNextEntry(new ZipEntry(p.getKey()));
        zip.write(p.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
      zip.putNextEntry(new ZipEntry("xl/worksheets/sheet1.xml"));
      zip.write(("<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
          + "<sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>phone</t></is></c></row>").getBytes(StandardCharsets.UTF_8));
      byte[] chunk = "<x/>".repeat(16 * 1024).getBytes(StandardCharsets.UTF_8);
      for (long written = 0; written < size; written += chunk.length) {
        zip.write(chunk);
      }
      zip.write("</sheetData></worksheet>".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    byte[] bytes = out.toByteArray();
    if (lie) { // every central directory header: uncompressed size (offset 24) := 1000
      ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i + 46 <= bytes.length; i++) {
        if (b.getInt(i) == 0x02014b50) {
          b.putInt(i + 24, 1000);
        }
      }
    }
    return bytes;
  }
}

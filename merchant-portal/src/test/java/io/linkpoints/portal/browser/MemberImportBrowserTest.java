package io.linkpoints.portal.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.XlsxFixture;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * The owner's "Import members" in real headless Chromium against the real service: a file with bad
 * rows is checked and its errors shown by row number, the import button stays off; a good file is
 * checked, imported, and its progress followed to done; the API and the database agree. The admin's
 * the same for a shop it picks, with an XLSX and a CSV.
 */
class MemberImportBrowserTest extends BrowserTestBase {

  @TempDir
  Path dir;

  @Test
  void ownerChecksAFileSeesItsBadRowsThenImportsAGoodOneWithProgress() throws Exception {
    ApiFixture.World w = api.world("bim");
    Path bad = Files.writeString(dir.resolve("bad.csv"), "phone,name,birthday,points,expires_on\n"
        + "13800000001,王芳,1990-05-12,100,\n"
        + "12345,李四,,50,\n"                 // row 3: invalid_phone
        + "13800000001,重复,,10,\n", StandardCharsets.UTF_8); // row 4: duplicate_in_file
    Path good = Files.writeString(dir.resolve("good.csv"), "phone,name,birthday,points,expires_on\n"
        + "13800000001,王芳,1990-05-12,100,\n"
        + "+86 139 0000 0002,李四,,50,2099-12-31\n", StandardCharsets.UTF_8);

    try (Browser owner = owner(w.allianceId(), "bim-owner", 1280, 1400)) {
      owner.visible("#imp-file");
      owner.driver.findElement(By.id("imp-file")).sendKeys(bad.toAbsolutePath().toString());
      owner.click("#imp-check");
      owner.wait.until(d -> "2".equals(d.findElement(By.id("imp-counts")).getAttribute("data-errors")));
      owner.waitText("#imp-errors tr[data-row='3']", "手机号无效");
      owner.waitText("#imp-errors tr[data-row='4']", "文件内手机号重复");
      assertEquals("true", owner.driver.findElement(By.id("imp-go")).getAttribute("disabled"));
      shot(owner, "member-import-errors");

      owner.driver.findElement(By.id("imp-file")).clear();
      owner.driver.findElement(By.id("imp-file")).sendKeys(good.toAbsolutePath().toString());
      owner.click("#imp-check");
      owner.wait.until(d -> "0".equals(d.findElement(By.id("imp-counts")).getAttribute("data-errors")));
      owner.waitText("#imp-counts", "新会员 2");
      owner.click("#imp-go");
      owner.wait.until(d -> "done".equals(d.findElement(By.id("imp-status")).getAttribute("data-status")));
      owner.waitText("#imp-status", "已处理 2 / 2 行");
      shot(owner, "member-import-done");
    }
    assertEquals(2, api.count("/* test */ select count(*) from member where alliance_id = " + w.allianceId()));
    // 100 + 50 opening points, issued by the shop.
    assertEquals(150, api.count("/* test */ select sum(amount) from ledger_transfer where alliance_id = "
        + w.allianceId() + " and code = 'member_import'"));
  }

  /**
   * The admin's "Import members": picks the second shop, checks an XLSX with a bad row (its row number
   * shown), then imports a good XLSX and a CSV for that shop, following each to done; the shop's list
   * shows both, and the first shop's list none.
   */
  @Test
  void adminPicksAShopAndImportsAnXlsxAndACsvWithProgress() throws Exception {
    ApiFixture.World w = api.world("aim");
    long second = api.createShop(w.allianceId(), w.adminToken(), "aim second shop", "aim-owner-2").getLong("id");
    Path bad = dir.resolve("bad.xlsx");
    Files.write(bad, XlsxFixture.bytes(List.of(
        List.of("phone", "name", "birthday", "points", "expires_on"),
        Arrays.asList(13800000011L, "王芳", LocalDate.of(1990, 5, 12), 100, null),
        Arrays.asList(13800000012L, "李四", null, new BigDecimal("2.5"), null)))); // row 3: invalid_points
    Path good = dir.resolve("good.xlsx");
    Files.write(good, XlsxFixture.bytes(List.of(
        List.of("phone", "name", "birthday", "points", "expires_on"),
        Arrays.asList(13800000011L, "王芳", LocalDate.of(1990, 5, 12), 100, null),
        Arrays.asList("+86 138 0000 0012", new XlsxFixture.Inline("李四"), "05-12", 40,
            new XlsxFixture.CustomDate(LocalDate.of(2099, 12, 31))))));
    Path csv = Files.writeString(dir.resolve("more.csv"), "phone,name,birthday,points,expires_on\n"
        + "13800000013,张三,,7,\n", StandardCharsets.UTF_8);

    try (Browser admin = admin(w.allianceId(), "aim-admin", 1280, 1600)) {
      admin.visible("#imp-shop");
      admin.wait.until(d -> !d.findElements(By.cssSelector("#imp-shop option[value='" + second + "']")).isEmpty());
      new Select(admin.driver.findElement(By.id("imp-shop"))).selectByValue(Long.toString(second));

      admin.driver.findElement(By.id("imp-file")).sendKeys(bad.toAbsolutePath().toString());
      admin.click("#imp-check");
      admin.wait.until(d -> "1".equals(d.findElement(By.id("imp-counts")).getAttribute("data-errors")));
      admin.waitText("#imp-errors tr[data-row='3']", "积分无效");
      assertEquals("true", admin.driver.findElement(By.id("imp-go")).getAttribute("disabled"));

      admin.driver.findElement(By.id("imp-file")).clear();
      admin.driver.findElement(By.id("imp-file")).sendKeys(good.toAbsolutePath().toString());
      admin.click("#imp-check");
      admin.wait.until(d -> "0".equals(d.findElement(By.id("imp-counts")).getAttribute("data-errors")));
      admin.waitText("#imp-counts", "新会员 2");
      admin.click("#imp-go");
      admin.wait.until(d -> "done".equals(d.findElement(By.id("imp-status")).getAttribute("data-status")));
      admin.waitText("#imp-status", "已处理 2 / 2 行");
      admin.wait.until(d -> d.findElements(By.cssSelector("#imp-list-table tr[data-import]")).size() == 1);

      admin.driver.findElement(By.id("imp-file")).clear();
      admin.driver.findElement(By.id("imp-file")).sendKeys(csv.toAbsolutePath().toString());
      admin.click("#imp-check");
      admin.wait.until(d -> "1".equals(d.findElement(By.id("imp-counts")).getAttribute("data-rows")));
      admin.click("#imp-go");
      admin.wait.until(d -> d.findElements(By.cssSelector("#imp-list-table tr[data-status='done']")).size() == 2);
      shot(admin, "admin-member-import");

      // The first shop has imported nothing.
      new Select(admin.driver.findElement(By.id("imp-shop"))).selectByValue(Long.toString(w.shopId()));
      admin.wait.until(d -> d.findElements(By.cssSelector("#imp-list-table")).isEmpty()
          && d.findElement(By.id("imp-list")).getText().contains("暂无"));
    }
    // Three members, 147 opening points, all issued by the second shop.
    assertEquals(3, api.count("/* test */ select count(*) from member where alliance_id = " + w.allianceId()));
    assertEquals(147, api.count("/* test */ select sum(t.amount) from ledger_transfer t join ledger_account d"
        + " on d.alliance_id = t.alliance_id and d.id = t.debit_account_id where t.alliance_id = " + w.allianceId()
        + " and t.code = 'member_import' and d.owner_id = " + second));
    assertEquals(2, api.count("/* test */ select count(*) from member_import where alliance_id = " + w.allianceId()
        + " and shop_id = " + second));
  }

  private static void shot(Browser page, String name) {
    page.screenshotOf("member-import", name);
  }
}

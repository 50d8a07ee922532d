package io.linkpoints.portal.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.testing.ApiFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The owner's "Import members" in real headless Chromium against the real service: a file with bad
 * rows is checked and its errors shown by row number, the import button stays off; a good file is
 * checked, imported, and its progress followed to done; the API and the database agree.
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

  private static void shot(Browser page, String name) {
    page.screenshotOf("member-import", name);
  }
}

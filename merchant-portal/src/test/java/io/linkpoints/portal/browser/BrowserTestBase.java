package io.linkpoints.portal.browser;

import static io.linkpoints.testing.Await.await;

import io.linkpoints.testing.ApiFixture;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

/**
 * What the portal's browser tests share: one service per test class (started as in production by
 * {@link ApiFixture}, on a fresh database; each test builds its own alliance in it), headless
 * Chromium windows on it, and the sign-ins every page starts with. A test class that needs the
 * service configured otherwise overrides {@link #startService}; its own {@code @BeforeAll} runs
 * after this one's, its {@code @AfterAll} before this one stops the service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserTestBase {
  protected Vertx vertx;
  protected ApiFixture api;
  /** The service's address, for {@link Browser}. */
  protected String base;

  @BeforeAll
  final void startTheService() {
    vertx = Vertx.vertx();
    api = startService(vertx);
    base = "http://localhost:" + api.app.port();
  }

  /** The service the class's tests run against: by default as {@code new ApiFixture(vertx)} starts it. */
  protected ApiFixture startService(Vertx vertx) {
    return new ApiFixture(vertx);
  }

  @AfterAll
  final void stopTheService() {
    try {
      if (api != null) {
        api.close();
      }
    } finally {
      await(vertx.close());
    }
  }

  /** A fresh browser window of this size on the service. */
  protected Browser browser(int width, int height) {
    return new Browser(base, width, height);
  }

  /** A window signed in as the alliance's admin {@code username} (the tests' admin password), on admin.html. */
  protected Browser admin(long allianceId, String username, int width, int height) {
    return staff(allianceId, username, "admin-password-1", "admin.html", width, height);
  }

  /** A window signed in as the shop owner {@code username} (the tests' owner password), on owner.html. */
  protected Browser owner(long allianceId, String username, int width, int height) {
    return staff(allianceId, username, "owner-password-1", "owner.html", width, height);
  }

  /** A window signed in as the cashier {@code username} (the tests' cashier password), on the shop's page. */
  protected Browser cashier(long allianceId, String username, int width, int height) {
    return staff(allianceId, username, "cashier-password-1", "owner.html", width, height);
  }

  /** A window with the member of {@code phone} signed in to the wallet (see {@link #signInToWallet}). */
  protected Browser wallet(long allianceId, String phone, int width, int height) {
    Browser page = browser(width, height);
    try {
      signInToWallet(page, allianceId, phone);
      return page;
    } catch (RuntimeException | Error e) {
      page.close();
      throw e;
    }
  }

  /**
   * Signs a member in on the wallet page, with the code the test's SMS inbox received, and waits
   * for the member's first code on the page.
   */
  protected void signInToWallet(Browser page, long allianceId, String phone) {
    signInToWallet(page, api, allianceId, phone);
  }

  /** {@link #signInToWallet(Browser, long, String)} on any service (tests that start their own). */
  static void signInToWallet(Browser page, ApiFixture api, long allianceId, String phone) {
    page.open("/portal/wallet.html?a=" + allianceId);
    page.type("#phone", phone);
    page.click("#send-code");
    page.waitText("#msg", "验证码已发送");
    page.type("#code", api.codes.last(allianceId, phone));
    page.click("#member-sign-in");
    page.wait.until(d -> d.findElement(By.id("member-code")).getAttribute("data-code") != null);
  }

  private Browser staff(long allianceId, String username, String password, String landing, int width, int height) {
    Browser page = browser(width, height);
    try {
      page.staffSignIn(allianceId, username, password, landing);
      return page;
    } catch (RuntimeException | Error e) {
      page.close();
      throw e;
    }
  }
}

package io.linkpoints.portal.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver: both paths are given, so
 * Selenium Manager never runs and nothing is downloaded. A fresh profile per browser. Missing
 * binaries fail the test with what to install (CI's .ci/run installs them).
 */
public final class Browser implements AutoCloseable {
  public static final File CHROMIUM = new File(System.getenv().getOrDefault("LINKPOINTS_CHROMIUM", "/usr/bin/chromium"));
  public static final File CHROMEDRIVER = new File(System.getenv().getOrDefault("LINKPOINTS_CHROMEDRIVER", "/usr/bin/chromedriver"));
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  public final ChromeDriver driver;
  public final WebDriverWait wait;
  private final String base;
  private final Path profile;

  public Browser(String base, int width, int height) {
    if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
      throw new AssertionError("Browser tests need Debian's Chromium and chromedriver at " + CHROMIUM + " and "
          + CHROMEDRIVER + ": run `apt-get install -y chromium chromium-driver` (.ci/run does it when they are missing)");
    }
    this.base = base;
    try {
      this.profile = Files.createTempDirectory("linkpoints-chromium");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
        "--force-device-scale-factor=1", "--lang=zh-CN", "--window-size=" + width + "," + height,
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
    this.driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(width, height));
    // Pages re-render lists after each action: an element found a moment ago may be replaced.
    this.wait = new WebDriverWait(driver, Duration.ofSeconds(30));
    wait.ignoring(StaleElementReferenceException.class);
  }

  public void open(String path) {
    driver.get(base + path);
  }

  public WebElement visible(String css) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  public void type(String css, String text) {
    WebElement el = visible(css);
    el.clear();
    el.sendKeys(text);
  }

  /** Clicks the element once it is clickable, finding it again if the page replaced it meanwhile. */
  public void click(String css) {
    wait.until(d -> {
      WebElement el = ExpectedConditions.elementToBeClickable(By.cssSelector(css)).apply(d);
      if (el == null) {
        return false;
      }
      try {
        el.click();
        return true;
      } catch (StaleElementReferenceException | ElementClickInterceptedException e) {
        return false;
      }
    });
  }

  public void waitText(String css, String text) {
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
  }

  /** Signs a staff member in on the login page and waits for the page its role lands on. */
  public void staffSignIn(long allianceId, String username, String password, String landing) {
    open("/portal/login.html?a=" + allianceId);
    type("#username", username);
    type("#password", password);
    click("#sign-in");
    wait.until(ExpectedConditions.urlContains(landing));
  }

  /** Saves a screenshot of the window, scrolled to the top, as target/screenshots/{name}.png. */
  public Path screenshot(String name) {
    driver.executeScript("window.scrollTo(0, 0)");
    return saveScreenshot(name);
  }

  /**
   * Saves a screenshot of the window scrolled to the element with id {@code elementId} (a page's
   * section), as target/screenshots/{name}.png.
   */
  public Path screenshotOf(String elementId, String name) {
    driver.executeScript("document.getElementById(arguments[0]).scrollIntoView()", elementId);
    return saveScreenshot(name);
  }

  private Path saveScreenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path out = SCREENSHOTS.resolve(name + ".png");
      Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), out, StandardCopyOption.REPLACE_EXISTING);
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sets an input's value as script does (date and number inputs) and tells the page, as typing would. */
  public void setValue(String css, String value) {
    driver.executeScript("const el = document.querySelector(arguments[0]); el.value = arguments[1];"
        + " el.dispatchEvent(new Event('input', { bubbles: true }));", css, value);
  }

  /** The signed-in member's access token, as the wallet keeps it in the tab's session storage. */
  public String memberToken() {
    return String.valueOf(driver.executeScript("return JSON.parse(sessionStorage.getItem('lp.session')).token"));
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp folder left behind is harmless
      }
    }
  }
}

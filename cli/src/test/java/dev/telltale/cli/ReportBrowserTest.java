package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.BoundingBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports in real headless Chromium (Debian's, driven by Playwright, which never downloads a
 * browser of its own): each report loads from a file with no console error, no page error and no
 * request beyond the file itself, and shows its verdict, p-value words, charts and heat-map; a
 * signed envelope checked with --public shows VALID, its subjects and the re-verify command.
 */
class ReportBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @TempDir Path dir;

  @Test
  void detectionScanRadioactivityAndSignedReportsLoadCleanly() throws Exception {
    ReportFixtures fx = new ReportFixtures(dir);
    Path detection = render(fx.detection("marked", true), "detection.html");
    Path scan = render(fx.scan(), "scan.html");
    Path radioactivity = render(fx.radioactivity(), "radioactivity.html");
    Path signed = dir.resolve("signed.html");
    ReportFixtures.ok(
        CliRun.run(
            "report",
            fx.envelope("signed").toString(),
            "--public",
            fx.publicKeys(fx.keys, "public.json").toString(),
            "--out",
            signed.toString()));
    try (Playwright pw =
            Playwright.create(
                new Playwright.CreateOptions()
                    .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        Browser browser =
            pw.chromium()
                .launch(
                    new BrowserType.LaunchOptions()
                        .setExecutablePath(CHROMIUM)
                        .setHeadless(true)
                        .setArgs(
                            List.of(
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--no-first-run")))) {
      Page page = open(browser, detection);
      assertVisible(page, "#verdict");
      assertEquals("Watermarked", page.textContent("#verdict"));
      assertTrue(page.textContent("#pvalue").contains("scores this high is below 1 in 10"));
      assertChart(page, "#score-chart");
      int green = page.locator("#heatmap .tok.g").count();
      int red = page.locator("#heatmap .tok.r").count();
      assertTrue(green > 0.4 * (green + red), green + " green, " + red + " red");
      assertVisible(page, "#heatmap .tok.g >> nth=0");
      assertTrue(page.textContent("#signature").contains("unsigned result"));
      page.close();

      page = open(browser, scan);
      assertTrue(page.textContent("#verdict").startsWith("Watermarked text found"));
      assertTrue(page.textContent("#pvalue").contains("The chance that a corpus"));
      assertChart(page, "#pvalue-histogram");
      assertChart(page, "#share-chart");
      assertVisible(page, "#suspect-table");
      page.close();

      page = open(browser, radioactivity);
      assertTrue(page.textContent("#verdict").startsWith("Radioactive"));
      assertTrue(page.textContent("#pvalue").contains("never trained"));
      assertChart(page, "#share-chart");
      page.close();

      page = open(browser, signed);
      assertEquals("VALID", page.textContent("#signature"));
      assertVisible(page, "#subjects");
      assertTrue(page.textContent("#verify-command").contains("--rerun --keys KEYS.json"));
      assertVisible(page, "#heatmap");
      page.close();
    }
  }

  private Path render(Path result, String name) {
    Path out = dir.resolve(name);
    ReportFixtures.ok(CliRun.run("report", result.toString(), "--out", out.toString()));
    return out;
  }

  /** Opens a report and fails on any console error, page error or request beyond the file. */
  private static Page open(Browser browser, Path file) throws Exception {
    Page page = browser.newPage();
    List<String> problems = new ArrayList<>();
    String url = file.toUri().toString();
    page.onConsoleMessage(
        m -> {
          if ("error".equals(m.type()) || "warning".equals(m.type())) {
            problems.add("console " + m.type() + ": " + m.text());
          }
        });
    page.onPageError(e -> problems.add("page error: " + e));
    page.onRequestFailed(r -> problems.add("failed request: " + r.url()));
    page.onRequest(
        r -> {
          if (!r.url().equals(url)) {
            problems.add("request beyond the file: " + r.url());
          }
        });
    page.navigate(url);
    page.waitForLoadState();
    // Kept for a person to look at: target/report-screenshots/*.png.
    Path shots = Files.createDirectories(Path.of("target", "report-screenshots"));
    Files.write(
        shots.resolve(file.getFileName() + ".png"),
        page.screenshot(new Page.ScreenshotOptions().setFullPage(true)));
    assertEquals(List.of(), problems, file.getFileName().toString());
    return page;
  }

  private static void assertVisible(Page page, String selector) {
    assertTrue(page.isVisible(selector), selector + " is not visible");
  }

  private static void assertChart(Page page, String selector) {
    assertVisible(page, selector);
    BoundingBox b = page.locator(selector).boundingBox();
    assertTrue(b.width > 300 && b.height > 50, selector + " is " + b.width + "x" + b.height);
  }
}

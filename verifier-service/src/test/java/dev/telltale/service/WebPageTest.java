package dev.telltale.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The web page in real headless Chromium (Debian's, driven by Playwright; Playwright never
 * downloads a browser of its own): sign in, paste watermarked text, read the verdict; paste a
 * signed text, read VALID, edit a word, read DIGEST_MISMATCH.
 */
class WebPageTest extends ServiceTestBase {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @Override
  Map<String, String> databaseSettings(Path dir) {
    return Map.of();
  }

  @Test
  void pageIsServedWithAContentSecurityPolicy() throws Exception {
    HttpResponse<Buffer> r = get("/", null);
    assertEquals(200, r.statusCode());
    assertTrue(r.getHeader("Content-Type").startsWith("text/html"));
    assertTrue(r.getHeader("Content-Security-Policy").contains("default-src 'self'"));
    assertEquals(200, get("/app.js", null).statusCode());
  }

  static Browser launch(Playwright pw) {
    return pw.chromium()
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
                        "--no-first-run")));
  }

  /**
   * Sign a checked text as evidence and open its report (fetched with the token in a header, shown
   * from a blob: URL in a new tab): the report shows the verdict, the heat-map and a VALID
   * signature. Then upload a corpus with evidence, watch it finish and open its report. No page
   * logs a console error (a CSP refusal would be one).
   */
  @Test
  void aSignedFindingAndAScanWithEvidenceOpenTheirReports() throws Exception {
    String bearer = newToken(Role.INVESTIGATOR);
    List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Playwright pw =
            Playwright.create(
                new Playwright.CreateOptions()
                    .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        Browser browser = launch(pw)) {
      BrowserContext context = browser.newContext();
      context.onPage(
          p -> {
            p.onConsoleMessage(
                m -> {
                  if (m.type().equals("error")) {
                    errors.add(p.url() + ": " + m.text());
                  }
                });
            p.onPageError(e -> errors.add(p.url() + ": " + e));
          });
      Page page = context.newPage();
      page.navigate("http://127.0.0.1:" + service.port() + "/");
      page.fill("#token", bearer);
      page.click("#signin");
      page.fill("#text", Fixtures.watermarkedText());
      page.click("#check");
      page.waitForSelector("#verdict.watermarked");
      assertTrue(page.isHidden("#evidence"));
      page.click("#sign");
      page.waitForSelector("#evidence:not([hidden])");
      String id = page.textContent("#evidence-id");
      assertEquals(36, id.length(), id);

      Page report = page.waitForPopup(() -> page.click("#open-report"));
      report.waitForLoadState();
      assertTrue(report.url().startsWith("blob:"), report.url());
      assertEquals("VALID", report.textContent("#signature"));
      assertEquals("Watermarked", report.textContent("#verdict"));
      int green = report.locator("#heatmap .tok.g").count();
      int red = report.locator("#heatmap .tok.r").count();
      assertTrue(green > 0.4 * (green + red) && red > 0, "green " + green + ", red " + red);
      assertTrue(report.textContent("#verify-command").contains("finding-" + id + ".dsse.json"));
      report.close();

      Path corpus = Files.write(dir.resolve("page-corpus.jsonl"), ScanApiTests.corpusJsonl());
      page.setInputFiles("#scan-file", corpus);
      page.fill("#scan-field", "body");
      page.check("#scan-evidence");
      page.click("#scan-start");
      page.waitForSelector(
          "#scan-evidence-line:not([hidden])",
          new Page.WaitForSelectorOptions().setTimeout(60_000));
      assertTrue(page.textContent("#scan-state").startsWith("Done: 24 documents"));
      assertTrue(page.textContent("#scan-summary").contains("suspect documents"));
      Page scanReport = page.waitForPopup(() -> page.click("#scan-report"));
      scanReport.waitForLoadState();
      assertEquals("VALID", scanReport.textContent("#signature"));
      assertTrue(scanReport.textContent("h1").contains("scan"), scanReport.textContent("h1"));
      assertTrue(scanReport.locator("#pvalue-histogram").count() == 1);
      scanReport.close();
    }
    assertEquals(List.of(), errors);
  }

  @Test
  void pastedWatermarkedTextShowsTheVerdictAndHeatMap() {
    String bearer = newToken(Role.INVESTIGATOR);
    try (Playwright pw =
            Playwright.create(
                new Playwright.CreateOptions()
                    .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        Browser browser = launch(pw)) {
      Page page = browser.newPage();
      page.navigate("http://127.0.0.1:" + service.port() + "/");
      page.fill("#token", bearer);
      page.click("#signin");
      page.fill("#text", Fixtures.watermarkedText());
      page.click("#check");
      page.waitForSelector("#verdict.watermarked");
      assertTrue(page.textContent("#verdict").startsWith("Watermarked"));
      assertTrue(page.textContent("#pvalue").contains("by chance"), page.textContent("#pvalue"));
      int green = page.locator("#heatmap .tok.green").count();
      int red = page.locator("#heatmap .tok.red").count();
      // The heat-map shows exactly the counts the detection reports ...
      String counts = page.textContent("#counts");
      assertTrue(
          counts.startsWith(green + " of " + (green + red) + " scored tokens are green"), counts);
      // ... and far more green than the null's gamma = 0.25 (0.4 is over 5 sd above it here).
      assertTrue(green > 0.4 * (green + red), "green " + green + ", red " + red);

      // Human text: the same page says no watermark.
      page.fill("#text", Fixtures.HUMAN);
      page.click("#check");
      page.waitForSelector("#verdict.not_watermarked");
      assertEquals("No watermark found", page.textContent("#verdict"));

      // Provenance: a text signed with the service's key (core's signer and carrier) is VALID ...
      String signed = Fixtures.signEmbedded(Fixtures.HUMAN, Fixtures.SIG, Instant.now());
      page.fill("#prov-text", signed);
      page.click("#verify");
      page.waitForSelector("#prov-status.VALID");
      assertTrue(page.textContent("#prov-status").startsWith("VALID"));
      String claims = page.textContent("#prov-claims");
      assertTrue(claims.contains("telltale.test") && claims.contains("sig-new"), claims);
      // ... and with one word edited, the signature still holds but the digest does not.
      page.fill("#prov-text", signed.replace("bomb explosions", "gas explosions"));
      page.click("#verify");
      page.waitForSelector("#prov-status.DIGEST_MISMATCH");
      assertTrue(page.textContent("#prov-status").startsWith("DIGEST_MISMATCH"));

      // A revoked or forged token sends the user back to sign in with the reason.
      page.click("#signout");
      page.fill("#token", "tt_0123456789abcdef_" + "A".repeat(43));
      page.click("#signin");
      page.fill("#text", "a b c");
      page.click("#check");
      page.waitForSelector("#signin-section:not([hidden])");
      assertTrue(page.textContent("#signin-status").contains("refused"));
    }
  }
}

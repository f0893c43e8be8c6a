package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
  @TempDir Path dir;
  ReportFixtures fx;

  @BeforeEach
  void setUp() {
    fx = new ReportFixtures(dir);
  }

  static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  String report(String... args) throws Exception {
    Path out = dir.resolve("report.html");
    String[] argv = new String[args.length + 3];
    argv[0] = "report";
    System.arraycopy(args, 0, argv, 1, args.length);
    argv[args.length + 1] = "--out";
    argv[args.length + 2] = out.toString();
    CliRun r = CliRun.run(argv);
    assertEquals(ExitCode.OK, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("wrote " + out), r.out());
    return Files.readString(out);
  }

  @Test
  void detectExplainGivesTheMarksTheReportShades() throws Exception {
    Path result = fx.detection("marked", true);
    JsonNode j = ReportFixtures.JSON.readTree(Files.readString(result));
    JsonNode marks = j.get("explain");
    assertEquals(j.get("tokens").asInt(), marks.get("tokens").size());
    String html = report(result.toString());
    assertTrue(html.contains("class=\"verdict positive\">Watermarked"));
    assertEquals(j.get("green_tokens").asLong(), count(html, "class=\"tok g\""));
    assertTrue(html.contains("unsigned result"));
  }

  @Test
  void marksAreRecomputedFromTextAndKeys() throws Exception {
    Path result = fx.detection("plain-json", false);
    assertFalse(ReportFixtures.JSON.readTree(Files.readString(result)).has("explain"));
    assertTrue(report(result.toString()).contains("id=\"heatmap-missing\""));
    String html =
        report(
            result.toString(),
            "--text",
            dir.resolve("plain-json.txt").toString(),
            "--keys",
            fx.keys.toString());
    JsonNode j = ReportFixtures.JSON.readTree(Files.readString(result));
    assertEquals(j.get("green_tokens").asLong(), count(html, "class=\"tok g\""));
    assertFalse(html.contains("marks-mismatch"));
  }

  @Test
  void scanAndRadioactivityResultsRender() throws Exception {
    String scan = report(fx.scan().toString());
    assertTrue(scan.contains("<svg id=\"pvalue-histogram\""));
    assertTrue(scan.contains("id=\"suspect-table\""));
    assertTrue(scan.contains("doc-0.txt") || scan.contains("doc-3.txt"), scan);
    String rad = report(fx.radioactivity().toString());
    assertTrue(rad.contains("<svg id=\"share-chart\""));
    assertTrue(rad.contains("Radioactive"));
  }

  @Test
  void anEnvelopeWithoutPublicKeysIsNotChecked() throws Exception {
    JsonNode result = ReportFixtures.JSON.readTree(Files.readString(fx.detection("m", true)));
    ObjectNode st = ReportFixtures.JSON.createObjectNode();
    st.put("_type", "https://in-toto.io/Statement/v1");
    st.putArray("subject")
        .addObject()
        .put("name", "m.txt")
        .putObject("digest")
        .put("sha256", "0".repeat(64));
    st.put("predicateType", "https://telltale.dev/evidence/detection/v1");
    st.putObject("predicate").set("result", result);
    ObjectNode env = ReportFixtures.JSON.createObjectNode();
    env.put("payloadType", "application/vnd.in-toto+json");
    env.put(
        "payload", Base64.getEncoder().encodeToString(ReportFixtures.JSON.writeValueAsBytes(st)));
    env.putArray("signatures").addObject().put("keyid", "sig-x").put("sig", "AAAA");
    Path e = fx.write("m.envelope.json", env.toString());
    String html = report(e.toString());
    assertTrue(html.contains("signature not checked"));
    assertTrue(html.contains("0".repeat(64)));
    assertTrue(
        html.contains("telltale evidence verify m.envelope.json") || html.contains(e.toString()));
  }

  @Test
  void unreadableOrUnknownInputExitsTwo() throws Exception {
    Path out = dir.resolve("x.html");
    CliRun missing =
        CliRun.run("report", dir.resolve("nope.json").toString(), "--out", out.toString());
    assertEquals(ExitCode.BAD_INPUT, missing.exitCode());
    assertTrue(missing.err().contains("cannot read"), missing.err());
    Path notJson = fx.write("bad.json", "not json at all");
    CliRun bad = CliRun.run("report", notJson.toString(), "--out", out.toString());
    assertEquals(ExitCode.BAD_INPUT, bad.exitCode());
    assertTrue(bad.err().contains("is not JSON"), bad.err());
    Path unknown = fx.write("unknown.json", "{\"hello\":1}");
    CliRun u = CliRun.run("report", unknown.toString(), "--out", out.toString());
    assertEquals(ExitCode.BAD_INPUT, u.exitCode());
    assertTrue(u.err().contains("neither an evidence envelope nor"), u.err());
    Path env =
        fx.write(
            "env.json",
            "{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"!!\",\"signatures\":[]}");
    assertEquals(
        ExitCode.BAD_INPUT,
        CliRun.run("report", env.toString(), "--out", out.toString()).exitCode());
    Path result = fx.detection("d", false);
    CliRun half =
        CliRun.run("report", result.toString(), "--text", "d.txt", "--out", out.toString());
    assertEquals(ExitCode.BAD_INPUT, half.exitCode());
    assertTrue(half.err().contains("--text and --keys go together"), half.err());
    assertFalse(Files.exists(out));
  }
}

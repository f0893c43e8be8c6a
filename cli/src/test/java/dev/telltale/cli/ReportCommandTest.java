package dev.telltale.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.evidence.Subject;
import java.nio.file.Files;
import java.nio.file.Path;
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
  void aSignedEnvelopeIsValidNotCheckedOrRejectedWithItsReason() throws Exception {
    Path env = fx.envelope("m");
    String digest = Subject.ofFile(dir.resolve("m.txt")).sha256();
    String unchecked = report(env.toString());
    assertTrue(unchecked.contains("signature not checked"));
    assertTrue(unchecked.contains(digest));
    assertTrue(
        unchecked.contains(
            "telltale evidence verify "
                + env
                + " --public PUBLIC-KEYS.json --subject "
                + dir.resolve("m.txt")),
        unchecked);

    String valid =
        report(env.toString(), "--public", fx.publicKeys(fx.keys, "pub.json").toString());
    assertTrue(valid.contains("<span id=\"signature\" class=\"sig VALID\">VALID</span>"), valid);

    // Another key set's public keys: the signer is unknown; the report is written, exit 1.
    Path other = dir.resolve("other.json");
    ReportFixtures.ok(CliRun.run("keys", "create", "--out", other.toString(), "--id", "k2"));
    Path out = dir.resolve("unknown.html");
    CliRun r =
        CliRun.run(
            "report",
            env.toString(),
            "--public",
            fx.publicKeys(other, "other.pub.json").toString(),
            "--out",
            out.toString());
    assertEquals(ExitCode.NOT_DETECTED, r.exitCode(), r.err());
    assertTrue(Files.readString(out).contains("INVALID: UNKNOWN_KEY"));

    // One flipped bit in the signature: BAD_SIGNATURE.
    ObjectNode j = (ObjectNode) ReportFixtures.JSON.readTree(Files.readString(env));
    ObjectNode sig = (ObjectNode) j.get("signatures").get(0);
    byte[] raw = java.util.Base64.getDecoder().decode(sig.get("sig").asText());
    raw[5] ^= 1;
    sig.put("sig", java.util.Base64.getEncoder().encodeToString(raw));
    Path bad = fx.write("bad.envelope.json", j.toString());
    CliRun b =
        CliRun.run(
            "report",
            bad.toString(),
            "--public",
            dir.resolve("pub.json").toString(),
            "--out",
            out.toString());
    assertEquals(ExitCode.NOT_DETECTED, b.exitCode(), b.err());
    assertTrue(Files.readString(out).contains("INVALID: BAD_SIGNATURE"));
  }

  @Test
  void aFindingSignedByDetectEvidenceRendersWithItsMarksAndAValidSignature() throws Exception {
    Path text = fx.write("suspect.txt", fx.generated(150, 8));
    Path env = dir.resolve("finding.json");
    ReportFixtures.ok(
        CliRun.run(
            "detect",
            "--keys",
            fx.keys.toString(),
            "--explain",
            "--evidence",
            env.toString(),
            text.toString()));
    String html = report(env.toString(), "--public", fx.publicKeys(fx.keys, "pub.json").toString());
    assertTrue(html.contains("class=\"sig VALID\">VALID</span>"), html);
    assertTrue(html.contains("id=\"heatmap\""));
    assertFalse(html.contains("marks-mismatch"));
    assertTrue(html.contains(Subject.ofFile(text).sha256()));
    assertTrue(html.contains("--subject " + text + " --rerun --keys KEYS.json"), html);
    // The re-verify command the report prints works as printed (with real key files).
    CliRun verify =
        CliRun.run(
            "evidence",
            "verify",
            env.toString(),
            "--public",
            dir.resolve("pub.json").toString(),
            "--subject",
            text.toString(),
            "--rerun",
            "--keys",
            fx.keys.toString());
    assertEquals(ExitCode.OK, verify.exitCode(), verify.out() + verify.err());
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

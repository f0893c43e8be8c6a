package dev.telltale.evidence.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.TestKeys;
import dev.telltale.detect.DetectionJson;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.KeySetDetection;
import dev.telltale.detect.KeySetDetector;
import dev.telltale.detect.TokenMarks;
import dev.telltale.embed.WatermarkSession;
import dev.telltale.embed.Watermarker;
import dev.telltale.evidence.EvidenceKind;
import dev.telltale.evidence.EvidenceStatement;
import dev.telltale.evidence.KeyCommitment;
import dev.telltale.evidence.ResultKinds;
import dev.telltale.evidence.Subject;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Tokenizer TOK = Tokenizers.cl100kBase();
  static final WatermarkKey KGW = TestKeys.key(7, GreenListParameters.defaults());
  static final WatermarkKey GUMBEL = TestKeys.key(8, GumbelParameters.defaults());
  static final String HOSTILE =
      "</script><script>alert(1)</script> \"onmouseover=\"x\" 'q' <img src=x> &amp;"
          + " \u202Eevil\u202C \u05e9\u05dc\u05d5\u05dd \ud83d\ude00 \u0007";

  /** Token ids from a toy distribution with the key's watermark embedded (ids < 3000). */
  static int[] watermarked(WatermarkKey key, int n, long seed) {
    WatermarkSession s = Watermarker.of(key).newSession();
    SplittableRandom r = new SplittableRandom(seed);
    float[] logits = new float[3000];
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      for (int v = 0; v < logits.length; v++) {
        logits[v] = (float) (-0.002 * v + r.nextGaussian());
      }
      int tok;
      if (key.parameters() instanceof GreenListParameters) {
        s.bias(logits);
        tok = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < logits.length; v++) {
          double g = logits[v] - Math.log(-Math.log(r.nextDouble()));
          if (g > best) {
            best = g;
            tok = v;
          }
        }
      } else {
        tok = s.sample(logits, 1.0, r);
      }
      s.accept(tok);
      out[i] = tok;
    }
    return out;
  }

  static ObjectNode detection(WatermarkKey key, int[] ids, boolean explain) {
    KeySetDetection d =
        KeySetDetector.of(KeySet.single(key), TOK, DetectionPolicy.defaults())
            .detectTokens(ids, 0, ids.length);
    ObjectNode j = DetectionJson.of(d, TOK.name());
    if (explain) {
      j.set("explain", TokenMarks.explain(key, TOK, ids));
    }
    return j;
  }

  static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void theSpreadCheckIsShownAndAFlagIsAWarning() {
    int[] ids = watermarked(KGW, 300, 1);
    KeySetDetection d =
        KeySetDetector.of(KeySet.single(KGW), TOK, DetectionPolicy.defaults())
            .detectTokens(ids, 0, ids.length);
    ObjectNode r = DetectionJson.of(d, TOK.name());
    dev.telltale.detect.Detector det =
        dev.telltale.detect.Detector.of(KGW, TOK, DetectionPolicy.defaults());
    // Every context frequent: nothing is left in rare contexts, so a detection is flagged.
    DetectionJson.addSpreadCheck(
        r,
        d,
        det,
        ids,
        0,
        dev.telltale.detect.SpreadReference.tokenizerRanks(Integer.MAX_VALUE),
        1e-2);
    assertTrue(r.get("spread_check").get("flagged").asBoolean(), r::toString);
    String html = Report.render(ReportInput.ofResult(EvidenceKind.DETECTION, r, "result.json"));
    assertTrue(html.contains("<p class=\"warn\" id=\"spread\">Possible spoof"), html);
    // A reference where no context is frequent leaves the whole score to the rare part.
    ObjectNode ok = DetectionJson.of(d, TOK.name());
    DetectionJson.addSpreadCheck(
        ok, d, det, ids, 0, dev.telltale.detect.SpreadReference.tokenizerRanks(1), 1e-2);
    assertEquals(
        ok.get("log10_p_value").asDouble(),
        ok.get("spread_check").get("log10_rare_p_value").asDouble(),
        1e-9);
    assertFalse(ok.get("spread_check").get("flagged").asBoolean());
    String okHtml = Report.render(ReportInput.ofResult(EvidenceKind.DETECTION, ok, "result.json"));
    assertTrue(okHtml.contains("<p class=\"note\" id=\"spread\">Spoofing check:"), okHtml);
  }

  @Test
  void kgwDetectionShowsVerdictPlainWordsHeatMapAndThresholdCurve() {
    ObjectNode r = detection(KGW, watermarked(KGW, 300, 1), true);
    assertEquals("watermarked", r.get("verdict").asText());
    String html = Report.render(ReportInput.ofResult(EvidenceKind.DETECTION, r, "result.json"));
    assertTrue(html.contains("<div id=\"verdict\" class=\"verdict positive\">Watermarked</div>"));
    long k = (long) Math.floor(-r.get("log10_p_value").asDouble());
    assertTrue(
        html.contains(
            "The chance that text not generated with this key scores this high is below 1 in"
                + " 10<sup>"
                + k
                + "</sup>"),
        html);
    long green = r.get("green_tokens").asLong();
    long scored = r.get("scored_tokens").asLong();
    assertEquals(green, count(html, "class=\"tok g\""));
    assertEquals(scored - green, count(html, "class=\"tok r\""));
    assertEquals(r.get("tokens").asLong() - scored, count(html, "class=\"tok n\""));
    assertTrue(html.contains("<svg id=\"score-chart\""));
    assertTrue(html.contains("<polyline class=\"threshold\""));
    assertFalse(html.contains("marks-mismatch"));
    assertTrue(html.contains("unsigned result"));
    assertTrue(html.contains("telltale detect --keys KEYS.json --json --explain TEXT-FILE"));
  }

  @Test
  void gumbelDetectionShadesEveryScoredTokenByHeat() {
    ObjectNode r = detection(GUMBEL, watermarked(GUMBEL, 200, 2), true);
    String html = Report.render(ReportInput.ofResult(EvidenceKind.DETECTION, r, "g.json"));
    assertEquals(
        r.get("scored_tokens").asLong(), count(html, "class=\"tok h\" style=\"background:hsl("));
    assertTrue(html.contains("<polyline class=\"threshold\""));
    assertTrue(html.contains("Gumbel score"));
  }

  @Test
  void theThresholdIsExact() {
    // 20 tuples at gamma 0.25: P[X >= 13] = 1.0e-4 > 1e-4? The threshold is the least G with tail
    // at most the level, checked against the exact tail on both sides.
    double g = DetectionSection.greenThreshold(20, 0.25, 1e-4);
    assertTrue(dev.telltale.stats.Tails.binomialUpper(20, (long) g, 0.25).pValue() <= 1e-4);
    assertTrue(dev.telltale.stats.Tails.binomialUpper(20, (long) g - 1, 0.25).pValue() > 1e-4);
    double s = DetectionSection.gumbelThreshold(50, 1e-6);
    assertEquals(1e-6, dev.telltale.stats.Tails.gammaUpper(50, s).pValue(), 1e-8);
  }

  @Test
  void unwatermarkedTextWithPOneReadsAsUnremarkable() {
    int[] ids = new int[40];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 100 + (i % 3);
    }
    ObjectNode r = detection(KGW, ids, true);
    r.put("p_value", 1.0).put("log10_p_value", 0.0);
    String html = Report.render(ReportInput.ofResult(EvidenceKind.DETECTION, r, "plain.json"));
    assertTrue(html.contains("class=\"verdict negative\">No watermark found"));
    assertTrue(html.contains("scores this high is practically certain (p = 1)"), html);
  }

  @Test
  void aWindowedVerdictIsToldWithTheWindowsCorrectedP() {
    // Human-like filler, a watermarked passage, filler: the verdict rests on the best window.
    int[] marked = watermarked(KGW, 150, 11);
    int[] ids = new int[marked.length + 600];
    SplittableRandom r = new SplittableRandom(12);
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 100 + r.nextInt(2900);
    }
    System.arraycopy(marked, 0, ids, 300, marked.length);
    KeySetDetection d =
        KeySetDetector.of(KeySet.single(KGW), TOK, DetectionPolicy.defaults().withWindow(true))
            .detectTokens(ids, 0, ids.length);
    ObjectNode j = DetectionJson.of(d, TOK.name());
    assertTrue(j.has("window"));
    String html = Report.render(ReportInput.ofResult(EvidenceKind.DETECTION, j, "w.json"));
    double log10 = j.get("log10_family_wise_p_value").asDouble();
    assertEquals(j.get("window").get("log10_corrected_p_value").asDouble(), log10, 1e-9);
    assertTrue(
        html.contains(
            "contains a passage scoring this high is "
                + Html.powers(PValueWords.chance(Math.pow(10, log10), log10))),
        html);
    assertTrue(html.contains("best window corrected over "));
    assertTrue(html.contains("Over the whole text alone the chance is"));
  }

  @Test
  void withoutMarksTheReportSaysTheHeatMapNeedsTextAndKey() {
    ObjectNode r = detection(KGW, watermarked(KGW, 60, 3), false);
    String html = Report.render(ReportInput.ofResult(EvidenceKind.DETECTION, r, "r.json"));
    assertTrue(html.contains("id=\"heatmap-missing\""));
    assertFalse(html.contains("id=\"heatmap\""));
  }

  @Test
  void marksOfAnotherTextAreFlagged() {
    ObjectNode r = detection(KGW, watermarked(KGW, 100, 4), false);
    JsonNode other = TokenMarks.explain(KGW, TOK, watermarked(KGW, 100, 5));
    String html =
        Report.render(ReportInput.ofResult(EvidenceKind.DETECTION, r, "r.json").withExplain(other));
    assertTrue(html.contains("id=\"marks-mismatch\""));
  }

  @Test
  void hostileTextStaysText() {
    ObjectNode r = detection(KGW, watermarked(KGW, 60, 6), false);
    ObjectNode marks = JSON.createObjectNode();
    marks.put("key_id", KGW.id().value()).put("scheme", "kgw");
    ArrayNode toks = marks.putArray("tokens");
    toks.addObject().put("text", HOSTILE).putNull("score");
    toks.addObject().put("text", HOSTILE).put("score", 1.0);
    toks.addObject().put("text", "\ud800 lone").put("score", 0.0);
    String html =
        Report.render(
            ReportInput.ofResult(EvidenceKind.DETECTION, r, HOSTILE + ".json").withExplain(marks));
    assertEquals(0, count(html.toLowerCase(), "<script"));
    assertEquals(0, count(html, "<img"));
    assertFalse(html.contains("\"onmouseover"));
    assertTrue(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assertTrue(html.contains("&quot;onmouseover=&quot;x&quot; &#39;q&#39;"));
    assertTrue(html.contains("&amp;amp;"));
    // RTL, bidi overrides and emoji are kept as text; the bidi override is isolated by CSS.
    assertTrue(html.contains("\u202Eevil\u202C \u05e9\u05dc\u05d5\u05dd \ud83d\ude00"));
    assertTrue(html.contains(".tok{unicode-bidi:isolate"));
    // A control character and a lone surrogate become U+FFFD.
    assertFalse(html.contains("\u0007"));
    assertFalse(html.contains("\ud800 lone"));
    assertTrue(html.contains("\ufffd lone"));
  }

  @Test
  void everyKindLoadsNothingFromOutside() throws Exception {
    for (String html :
        List.of(
            Report.render(
                ReportInput.ofResult(
                    EvidenceKind.DETECTION, detection(KGW, watermarked(KGW, 80, 9), true), "d")),
            Report.render(ReportInput.ofResult(EvidenceKind.SCAN, scanResult(), "s")),
            Report.render(
                ReportInput.ofResult(EvidenceKind.RADIOACTIVITY, radioactivityResult(), "r")),
            Report.render(envelopeInput()))) {
      Matcher m = Pattern.compile("(?i)(src|href|xlink:href|action|srcset)\\s*=").matcher(html);
      assertFalse(m.find(), "external attribute: " + (m.find(0) ? m.group() : ""));
      assertFalse(html.contains("@import"));
      assertFalse(html.toLowerCase().contains("url("));
      assertFalse(html.toLowerCase().contains("<link"));
      assertFalse(html.toLowerCase().contains("<script"));
      assertTrue(html.contains("<svg "));
      assertTrue(html.startsWith("<!DOCTYPE html>"));
    }
  }

  static ObjectNode scanResult() throws Exception {
    return (ObjectNode)
        JSON.readTree(
            """
            {"documents":1000,"tokens":150000,"bytes":700000,"key_id":"wm-a","scheme":"kgw",
             "scored_tuples":90000,"positions":140000,"green_tuples":23500,"green_share":0.2611,
             "expected_green_tuples":22500.0,"pooled_p_value":1.2e-13,
             "log10_pooled_p_value":-12.92,"keys_tested":1,
             "keys":[{"key_id":"wm-a","scheme":"kgw","scored_tuples":90000,"score":23500.0,
                      "expected_score":22500.0,"p_value":1.2e-13,"log10_p_value":-12.92}],
             "suspect_documents":{"fdr":0.01,"count":2,"listed":2,
                                  "ids":["doc-7","</td><script>x</script>"]},
             "document_p_values":{"bins":"…","decades":[880,95,14,5,3,1,0,0,0,0,2]},
             "top_documents":[
               {"id":"</td><script>x</script>","tokens":500,"scored":400,"p_value":1e-40,
                "log10_p_value":-40.0,"key_id":"wm-a"},
               {"id":"doc-7","tokens":300,"scored":250,"p_value":3e-12,
                "log10_p_value":-11.52,"key_id":"wm-a"},
               {"id":"doc-9","tokens":300,"scored":250,"p_value":0.004,
                "log10_p_value":-2.39,"key_id":"wm-a"}],
             "malformed_lines":{"count":0,"first":[]}}
            """);
  }

  static ObjectNode radioactivityResult() throws Exception {
    return (ObjectNode)
        JSON.readTree(
            """
            {"key_id":"wm-a","scheme":"kgw","mode":"closed","exchanges":200,"positions":30000,
             "skipped_prompt_windows":1200,"skipped_unfiltered_windows":0,
             "duplicate_tuples":4000,"scored_tuples":24800,"green_tuples":6450,
             "green_share":0.2601,"gamma":0.25,"p_value":3.5e-5,"log10_p_value":-4.46,
             "keys_tested":1,"family_wise_log10_p_value":-4.46,"dedup":true,
             "prompt_filter":"own","malformed_lines":0,"alpha":1e-6,
             "verdict":"not_radioactive","keys":[]}
            """);
  }

  static ReportInput envelopeInput() throws Exception {
    EvidenceStatement st =
        EvidenceStatement.builder(EvidenceKind.SCAN)
            .subject(new Subject("corpus/<b>.txt", "ab".repeat(32)))
            .method("pooled corpus scan")
            .command(List.of("telltale", "scan", "--keys", "k.json", "a b.txt"))
            .key(KeyCommitment.of(KGW))
            .result(scanResult())
            .softwareVersion("0.1.0")
            .time(java.time.Instant.parse("2026-11-23T22:00:00Z"))
            .build();
    return ReportInput.ofStatement(st, SignatureStatus.notChecked(), "scan.envelope.json");
  }

  @Test
  void scanReportHasHistogramShareBandAndSuspects() throws Exception {
    String html = Report.render(ReportInput.ofResult(EvidenceKind.SCAN, scanResult(), "scan.json"));
    assertTrue(html.contains("class=\"verdict positive\">Watermarked text found in the corpus"));
    assertTrue(html.contains("below 1 in 10<sup>12</sup>"), html);
    assertTrue(html.contains("<svg id=\"pvalue-histogram\""));
    assertEquals(11, count(html, "<rect class=\"bar\""));
    assertTrue(html.contains("<svg id=\"share-chart\""));
    assertTrue(html.contains("exact Clopper–Pearson binomial interval"));
    assertTrue(html.contains("id=\"suspect-table\""));
    assertTrue(html.contains("&lt;/td&gt;&lt;script&gt;x&lt;/script&gt;"));
    assertEquals(2, count(html, "<td>yes</td>"));
  }

  @Test
  void envelopeReportShowsSubjectsKeyAndReverifyCommands() throws Exception {
    String html = Report.render(envelopeInput());
    assertTrue(html.contains("signature not checked"));
    assertTrue(html.contains("corpus/&lt;b&gt;.txt"));
    assertTrue(html.contains("ab".repeat(32)));
    assertTrue(html.contains(KeyCommitment.of(KGW).commitment()));
    assertTrue(html.contains("gamma 0.25"), html);
    assertTrue(
        html.contains(
            "telltale evidence verify scan.envelope.json --public PUBLIC-KEYS.json --subject"
                + " &#39;corpus/&lt;b&gt;.txt&#39; --rerun --keys KEYS.json"),
        html);
    assertTrue(html.contains("telltale scan --keys k.json &#39;a b.txt&#39;"), html);
    assertTrue(html.contains("recorded 2026-11-23T22:00:00Z"));
  }

  @Test
  void theDedupUnitsOfEachKeyTestedAreWordsNotJson() throws Exception {
    WatermarkKey vllm =
        WatermarkKey.ofVllm(
            dev.telltale.key.KeyId.of("vllm-gumbel"),
            new dev.telltale.scheme.VllmGumbelParameters(
                4, dev.telltale.scheme.VllmDedup.NONE, java.util.OptionalInt.empty(), true),
            5L,
            java.time.Instant.EPOCH);
    EvidenceStatement st =
        EvidenceStatement.builder(EvidenceKind.SCAN)
            .subject(new Subject("corpus/a.txt", "ab".repeat(32)))
            .method("pooled corpus scan")
            .command(List.of("telltale", "scan", "--keys", "k.json", "a.txt"))
            .key(KeyCommitment.of(KGW))
            .keysTested(List.of(KeyCommitment.of(KGW), KeyCommitment.of(vllm)))
            .dedup(
                dev.telltale.detect.DedupUnit.block(
                    dev.telltale.detect.DedupUnit.Scope.CORPUS, true, KGW, List.of(KGW, vllm)))
            .result(scanResult())
            .softwareVersion("0.1.0")
            .time(java.time.Instant.parse("2026-11-23T22:00:00Z"))
            .build();
    String html =
        Report.render(
            ReportInput.ofStatement(st, SignatureStatus.notChecked(), "scan.envelope.json"));
    assertTrue(
        html.contains(
            "<td id=\"dedup\"><bdi>on, scope corpus; counted once: context window and"
                + " token</bdi>"),
        html);
    assertTrue(
        html.contains(
            "<li>key <bdi>"
                + KGW.id().value()
                + "</bdi>: counted once: <bdi>context window and token</bdi></li>"),
        html);
    assertTrue(
        html.contains(
            "<li>key <bdi>"
                + vllm.id().value()
                + "</bdi>: counted once: <bdi>context within a document, context and token"
                + " across documents (vLLM gumbel)</bdi></li>"),
        html);
    assertFalse(html.contains("key_id"), html);
    assertFalse(html.contains("[{"), html);
  }

  @Test
  void fetchedFilesNameTheKeysAndProofInTheReverifyCommand() throws Exception {
    String html =
        Report.render(
            envelopeInput()
                .withReverifyFiles(
                    new ReverifyFiles(
                        "finding-1.dsse.json",
                        "telltale-keys.json",
                        Optional.of("finding-1.proof.json"),
                        "Fetch <these> files.")));
    assertTrue(html.contains("<p id=\"reverify-files\">Fetch &lt;these&gt; files.</p>"), html);
    assertTrue(
        html.contains(
            "telltale evidence verify finding-1.dsse.json --public telltale-keys.json --proof"
                + " finding-1.proof.json --subject &#39;corpus/&lt;b&gt;.txt&#39; --rerun --keys"
                + " KEYS.json"),
        html);
    assertFalse(html.contains("PUBLIC-KEYS.json"));
  }

  @Test
  void radioactivityReportShowsShareAgainstGammaAndSettings() throws Exception {
    String html =
        Report.render(ReportInput.ofResult(EvidenceKind.RADIOACTIVITY, radioactivityResult(), "r"));
    assertTrue(html.contains("class=\"verdict negative\">Not radioactive"));
    assertTrue(html.contains("below 1 in 10<sup>4</sup>"));
    assertTrue(html.contains("<svg id=\"share-chart\""));
    assertTrue(html.contains("1,200 windows skipped because they occur in a prompt"));
  }

  @Test
  void attributionReportListsAccountsWithPValues() throws Exception {
    JsonNode r =
        JSON.readTree(
            """
            {"tokenizer":"cl100k_base","alpha":0.001,"detect_alpha":1e-6,"correction":"Bonf",
             "documents":[
               {"document":"a/<x>.txt","key_id":"acct","tokens":800,"scored_tokens":790,
                "zero_bit_p_value":1e-300,"log10_zero_bit_p_value":-306.1,"outcome":"attributed",
                "votes":690,"account":4242,"decoded_account":4242,"corrected_p_value":2.5e-50,
                "log10_corrected_p_value":-49.6,"holm_adjusted_p_value":5e-50,"candidates":[]},
               {"document":"b.txt","key_id":"acct","tokens":90,"scored_tokens":88,
                "zero_bit_p_value":0.4,"log10_zero_bit_p_value":-0.4,
                "outcome":"not_watermarked","votes":0,"account":null,
                "holm_adjusted_p_value":0.4,"candidates":[]}],
             "accounts":[{"account":4242,"documents":1,"p_value":5e-50,"log10_p_value":-49.3}]}
            """);
    String html = Report.render(ReportInput.ofResult(EvidenceKind.ATTRIBUTION, r, "attr.json"));
    assertTrue(html.contains("class=\"verdict positive\">1 account found"));
    assertTrue(html.contains("For the strongest account, 4242,"));
    assertTrue(html.contains("below 1 in 10<sup>49</sup>"));
    assertTrue(html.contains("a/&lt;x&gt;.txt"));
    assertTrue(html.contains("id=\"account-table\""));
    assertTrue(html.contains("5.0 \u00d7 10<sup>\u221250</sup>"), html);
  }

  @Test
  void kindsAreRecognisedFromTheirOwnFields() throws Exception {
    assertEquals(
        Optional.of(EvidenceKind.DETECTION),
        ResultKinds.of(detection(KGW, watermarked(KGW, 20, 1), false)));
    assertEquals(Optional.of(EvidenceKind.SCAN), ResultKinds.of(scanResult()));
    assertEquals(Optional.of(EvidenceKind.RADIOACTIVITY), ResultKinds.of(radioactivityResult()));
    assertEquals(Optional.empty(), ResultKinds.of(JSON.readTree("{\"a\":1}")));
    assertEquals(
        Optional.of(EvidenceKind.ATTRIBUTION),
        ResultKinds.of(JSON.readTree("{\"accounts\":[],\"correction\":\"c\",\"documents\":[]}")));
  }
}

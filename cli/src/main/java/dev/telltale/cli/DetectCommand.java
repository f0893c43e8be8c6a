package dev.telltale.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.detect.DedupUnit;
import dev.telltale.detect.Detection;
import dev.telltale.detect.DetectionJson;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.detect.FormTokens;
import dev.telltale.detect.KeySetDetection;
import dev.telltale.detect.KeySetDetector;
import dev.telltale.detect.ScoreTrace;
import dev.telltale.detect.SpreadReference;
import dev.telltale.detect.TokenMarks;
import dev.telltale.detect.Verdict;
import dev.telltale.evidence.EvidenceKind;
import dev.telltale.key.KeySet;
import dev.telltale.text.Deadline;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telltale detect}: test a text for the watermark of any key in a key set. */
@Command(
    name = "detect",
    description = {
      "Test a text for the watermark of the keys in a key set, with an exact p-value.",
      "Exit 0 when detected, 1 when not, 2 on bad input."
    })
final class DetectCommand implements Callable<Integer> {
  @Option(names = "--keys", required = true, description = "Key set file.")
  Path keys;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(
      names = "--explain",
      description = "With --json: add per-token marks (\"explain\") for a heat-map or a report.")
  boolean explain;

  @Option(names = "--window", description = "Also search the best window (a watermarked passage).")
  boolean window;

  @Option(
      names = "--alpha",
      defaultValue = "1e-6",
      description = "Significance level of the verdict (default ${DEFAULT-VALUE}).")
  double alpha;

  @Option(
      names = "--tokenizer",
      defaultValue = Tokenizers.CL100K_BASE,
      description =
          "Tokenizer of the generator: cl100k_base (default), o200k_base, or the path of a"
              + " Hugging Face tokenizer.json.")
  String tokenizer;

  @Parameters(arity = "0..1", paramLabel = "FILE", description = "Text file, or - for stdin.")
  String input;

  @Option(
      names = "--ids",
      paramLabel = "FILE",
      description = {
        "Test token ids instead of text: a JSON array of integers, or",
        "{\"prompt_ids\":[...],\"ids\":[...]} (- for stdin). Prompt ids are never scored."
      })
  String idsFile;

  @Option(
      names = "--case-insensitive",
      description = {
        "Also test the text lower-cased (one more normal form, counted in the Bonferroni",
        "correction): recovers an all-capitals copy; see README \"Robustness\"."
      })
  boolean caseInsensitive;

  @Option(
      names = "--spread-reference",
      paramLabel = "FILE",
      description = {
        "Reference corpus of the spoofing check (spread_check): one text per line or JSONL",
        "with \"text\", ideally your own unwatermarked outputs; contexts seen twice are",
        "frequent. Default: contexts of low tokenizer ranks (tokenizer-ranks:2000)."
      })
  Path spreadReference;

  @Option(
      names = "--rare-level",
      defaultValue = "1e-2",
      description =
          "The rare-context part must reach this level, else spread_check is flagged (default"
              + " ${DEFAULT-VALUE}).")
  double rareLevel;

  @Mixin EvidenceOption evidence;
  @Mixin TokenizerCheckOption tokenizerCheck;

  @Mixin KeyIdOption keyId;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    DetectionPolicy policy;
    try {
      policy = DetectionPolicy.defaults().withAlpha(alpha).withWindow(window);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--alpha: " + e.getMessage());
    }
    Tokenizer tok = tokenizer(tokenizer);
    KeySet set = keyId.select(KeysCommand.load(keys));
    tokenizerCheck.check(keys, tok);
    evidence.checkCanSign(set);
    if (idsFile != null && input != null) {
      throw new BadInputException("give either a text FILE or --ids FILE, not both");
    }
    String text = null;
    TokenIdsInput tokenIds = null;
    int[] ids;
    int off;
    KeySetDetector detector = KeySetDetector.of(set, tok, policy);
    KeySetDetection result;
    // The reported key's trace, when kept, is split by the spread check instead of scored again.
    KeySetDetector.Traced traced;
    if (idsFile != null) {
      tokenIds = TokenIdsInput.read(idsFile, System.in);
      ids = concat(tokenIds.promptIds(), tokenIds.ids());
      off = tokenIds.promptIds().length;
      traced =
          detector.detectTokensTraced(
              ids, off, ids.length - off, Deadline.NONE, new ScoreTrace(ids.length));
      result = traced.result();
    } else {
      text = InputText.read(input, System.in);
      List<FormTokens> forms = FormTokens.encode(tok, text, FormTokens.family(caseInsensitive));
      traced = detector.detectFormsTraced(forms, Deadline.NONE, new ScoreTrace(1024));
      result = traced.result();
      // The marks and checks below read the tokens of the form that won for the reported key.
      ids = FormTokens.of(forms, result.best().normalForm().orElseThrow()).ids();
      off = 0;
    }
    PrintWriter out = spec.commandLine().getOut();
    ObjectNode resultJson = DetectionJson.of(result, tok);
    DetectionJson.addSpreadCheck(
        resultJson,
        result,
        Detector.of(set.get(result.best().keyId()).orElseThrow(), tok, policy),
        ids,
        off,
        spreadReference(tok),
        rareLevel,
        traced.bestTrace());
    if (tokenIds != null) {
      resultJson.put("input", "token_ids");
      resultJson.put("prompt_tokens", tokenIds.promptIds().length);
    }
    if (explain) {
      // Part of the result, so a signed finding carries the marks its report shades.
      resultJson.set(
          "explain", TokenMarks.explain(set.get(result.best().keyId()).orElseThrow(), tok, ids));
    }
    evidence.write(
        spec,
        set,
        EvidenceKind.DETECTION,
        result.best().scheme(),
        List.of(
            tokenIds != null
                ? dev.telltale.evidence.Subject.of(idsFile, tokenIds.bytes())
                : EvidenceOption.textSubject(input, text)),
        set.keys(),
        k -> DedupUnit.block(DedupUnit.Scope.TEXT, true, k, set.keys()),
        resultJson);
    if (json) {
      out.println(resultJson.toString());
    } else {
      printHuman(out, result, resultJson.get("spread_check"));
    }
    out.flush();
    return result.verdict() == Verdict.WATERMARKED ? ExitCode.OK : ExitCode.NOT_DETECTED;
  }

  private SpreadReference spreadReference(Tokenizer tok) {
    if (!(rareLevel > 0 && rareLevel < 1)) {
      throw new BadInputException("--rare-level must be in (0, 1), got " + rareLevel);
    }
    if (spreadReference == null) {
      return SpreadReference.tokenizerRanks();
    }
    try {
      return SpreadReference.corpusFile(tok, spreadReference);
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new BadInputException("--spread-reference " + spreadReference + ": " + e.getMessage());
    }
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static Tokenizer tokenizer(String name) {
    try {
      return Tokenizers.byName(name);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
  }

  private static void printHuman(
      PrintWriter out, KeySetDetection r, com.fasterxml.jackson.databind.JsonNode spread) {
    Detection d = r.best();
    out.printf("key        %s (%s)%n", d.keyId(), d.scheme());
    out.printf(
        "tokens     %d, scored %d after skipping context and %d repeated tuples%n",
        d.tokens(), d.scoredTokens(), d.duplicateTuples());
    if (d.greenTokens().isPresent()) {
      out.printf(
          "green      %d of %d (%.1f%%, expected %.1f)%n",
          d.greenTokens().getAsLong(),
          d.scoredTokens(),
          d.scoredTokens() == 0 ? 0.0 : 100.0 * d.score() / d.scoredTokens(),
          d.expectedScore());
    } else {
      out.printf("score      %.2f (expected %.1f)%n", d.score(), d.expectedScore());
    }
    out.printf("z          %.2f%n", d.zScore());
    out.printf(
        "p-value    %s (log10 %.2f)%n",
        DetectionJson.formatP(d.pValue(), d.log10PValue()), d.log10PValue());
    d.normalForm()
        .ifPresent(
            f ->
                out.printf(
                    "form       %s, best of %d normal forms; corrected p %s (Bonferroni)%n",
                    f.label(),
                    d.formsTried(),
                    DetectionJson.formatP(d.decisive().pValue(), d.decisive().log10PValue())));
    if (r.keysTested() > 1) {
      out.printf(
          "keys       %d tested; family-wise p %s (Holm)%n",
          r.keysTested(),
          DetectionJson.formatP(r.familyWise().pValue(), r.familyWise().log10PValue()));
    }
    d.window()
        .ifPresent(
            w ->
                out.printf(
                    "window     tokens %d..%d, %d scored, p %s, corrected over %d windows %s%n",
                    w.startToken(),
                    w.endToken(),
                    w.scoredTokens(),
                    DetectionJson.formatP(w.raw().pValue(), w.raw().log10PValue()),
                    w.windowsTested(),
                    DetectionJson.formatP(w.corrected().pValue(), w.corrected().log10PValue())));
    out.printf(
        "verdict    %s at alpha %s%n",
        r.verdict() == Verdict.WATERMARKED ? "WATERMARKED" : "not watermarked", r.alpha());
    out.printf(
        "spread     %s: rare contexts %d scored, p %s; frequent %d scored, p %s (%s)%n",
        spread.path("flagged").asBoolean()
            ? "FLAGGED, possible spoof (green hits only where frequent contexts could be learnt)"
            : "ok",
        spread.path("rare_scored").asLong(),
        DetectionJson.formatP(
            spread.path("rare_p_value").asDouble(), spread.path("log10_rare_p_value").asDouble()),
        spread.path("frequent_scored").asLong(),
        DetectionJson.formatP(
            spread.path("frequent_p_value").asDouble(),
            spread.path("log10_frequent_p_value").asDouble()),
        spread.path("reference").asText());
  }
}

package dev.telltale.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.detect.DedupUnit;
import dev.telltale.detect.DetectionJson;
import dev.telltale.evidence.EvidenceKind;
import dev.telltale.evidence.Subject;
import dev.telltale.forensics.corpus.CorpusInputException;
import dev.telltale.forensics.corpus.Document;
import dev.telltale.forensics.corpus.DocumentSource;
import dev.telltale.forensics.radioactivity.RadioactivityResult;
import dev.telltale.forensics.radioactivity.RadioactivityTest;
import dev.telltale.forensics.radioactivity.WindowFilter;
import dev.telltale.forensics.scan.ScanJson;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.text.TextNormalizer;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.TokenizerIdentity;
import dev.telltale.text.Tokenizers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telltale radioactivity}: was a suspect model trained on our watermarked outputs? */
@Command(
    name = "radioactivity",
    description = {
      "Test a suspect model's outputs for the bias a model inherits when trained on our",
      "watermarked text. Closed mode: JSONL lines with \"prompt\" and \"answer\" strings.",
      "Reading mode: JSONL lines with \"tokens\" (our text) and \"predictions\" (the model's",
      "top-1 prediction at each position) as token-id arrays. Exit 0 when radioactive, 1 when",
      "not (or when --no-dedup / --prompt-filter none make the run exploratory: not a valid",
      "test, no verdict), 2 on bad input."
    })
final class RadioactivityCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--keys", required = true, description = "Key set file.")
  Path keys;

  @Option(
      names = "--mode",
      defaultValue = "closed",
      description = "closed (prompts and answers) or reading (top-1 predictions).")
  String mode;

  @Option(
      names = "--prompt-filter",
      defaultValue = "own",
      description =
          "Skip windows occurring in: own (the exchange's prompt), all (any prompt), none"
              + " (exploratory: not a valid test, no verdict, no evidence).")
  String promptFilter;

  @Option(
      names = "--no-dedup",
      description =
          "Score repeated tuples again (exploratory: not a valid test, no verdict, no evidence).")
  boolean noDedup;

  @Option(
      names = "--filter-corpus",
      description =
          "Reference text chosen without the key (human text, or outputs generated without the"
              + " watermark; files, folders, JSONL): score only windows frequent there. Text"
              + " carrying the key's watermark is refused.")
  List<Path> filterCorpus;

  @Option(
      names = "--filter-min-count",
      defaultValue = "2",
      description = "How often a window must occur in --filter-corpus (default ${DEFAULT-VALUE}).")
  int filterMinCount;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(
      names = "--alpha",
      defaultValue = "1e-6",
      description = "Significance level of the verdict (default ${DEFAULT-VALUE}).")
  double alpha;

  @Option(
      names = "--tokenizer",
      defaultValue = Tokenizers.CL100K_BASE,
      description =
          "Tokenizer of the generator (default ${DEFAULT-VALUE}), o200k_base, or the path of a"
              + " Hugging Face tokenizer.json.")
  String tokenizer;

  @Parameters(paramLabel = "FILE", description = "JSONL file of exchanges or readings.")
  String input;

  @Mixin EvidenceOption evidence;
  @Mixin TokenizerCheckOption tokenizerCheck;

  @Mixin KeyIdOption keyId;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (!(alpha > 0 && alpha < 1)) {
      throw new BadInputException("--alpha must be in (0, 1), got " + alpha);
    }
    if (filterMinCount < 1) {
      throw new BadInputException("--filter-min-count must be at least 1");
    }
    boolean reading =
        switch (mode) {
          case "closed" -> false;
          case "reading" -> true;
          default -> throw new BadInputException("--mode must be closed or reading, got " + mode);
        };
    RadioactivityTest.PromptFilter pf =
        switch (promptFilter) {
          case "own" -> RadioactivityTest.PromptFilter.OWN_PROMPT;
          case "all" -> RadioactivityTest.PromptFilter.ALL_PROMPTS;
          case "none" -> RadioactivityTest.PromptFilter.NONE;
          default ->
              throw new BadInputException(
                  "--prompt-filter must be own, all or none, got " + promptFilter);
        };
    Tokenizer tok = DetectCommand.tokenizer(tokenizer);
    KeySet set = keyId.select(KeysCommand.load(keys));
    tokenizerCheck.check(keys, tok);
    evidence.checkCanSign(set);
    String text = InputText.read(input, System.in);
    List<RadioactivityTest.Exchange> exchanges = new ArrayList<>();
    List<RadioactivityTest.Reading> readings = new ArrayList<>();
    long malformed = parse(text, reading, tok, exchanges, readings);
    if (exchanges.isEmpty() && readings.isEmpty()) {
      throw new BadInputException(input + " has no " + (reading ? "readings" : "exchanges"));
    }
    List<int[]> ours = filterCorpus == null ? List.of() : readFilterCorpus(tok);
    RadioactivityTest.Options options = new RadioactivityTest.Options(!noDedup, pf);
    boolean valid = reading ? options.validReading() : options.validClosed();
    if (!valid && evidence.requested()) {
      throw new BadInputException(
          "--evidence cannot sign an exploratory run: "
              + (noDedup ? "--no-dedup" : "--prompt-filter none")
              + " is not a valid test");
    }
    List<RadioactivityResult> results = new ArrayList<>();
    for (WatermarkKey k : set.keys()) {
      Optional<WindowFilter> filter =
          filterCorpus == null ? Optional.empty() : Optional.of(filterFor(k, tok, ours));
      RadioactivityTest t = RadioactivityTest.of(k, tok, options, filter);
      results.add(reading ? t.readingMode(readings) : t.closedModel(exchanges));
    }
    RadioactivityResult best = ScanJson.strongest(results);
    double familyLog10 = ScanJson.familyWiseLog10(results);
    boolean radioactive = ScanJson.isRadioactive(results, alpha);
    PrintWriter o = spec.commandLine().getOut();
    ObjectNode resultJson =
        TokenizerIdentity.putIfFile(
            ScanJson.radioactivity(results, alpha, !noDedup, promptFilter, malformed), tok);
    if (evidence.requested()) {
      List<Subject> subjects = new ArrayList<>();
      subjects.add(EvidenceOption.textSubject(input, text));
      if (filterCorpus != null) {
        subjects.addAll(EvidenceOption.fileSubjects(filterCorpus));
      }
      evidence.write(
          spec,
          set,
          EvidenceKind.RADIOACTIVITY,
          best.scheme() + "/" + best.mode(),
          subjects,
          set.keys(),
          k ->
              DedupUnit.block(DedupUnit.Scope.RUN, !noDedup, k, set.keys())
                  .put("prompt_filter", promptFilter),
          resultJson);
    }
    if (json) {
      o.println(resultJson);
    } else {
      o.printf(
          "key        %s (%s), %s mode, %d records%n",
          best.keyId(), best.scheme(), best.mode(), best.records());
      o.printf(
          "tuples     %d scored of %d positions (skipped: %d prompt windows, %d unfiltered,"
              + " %d repeats)%n",
          best.scoredTuples(),
          best.positions(),
          best.skippedPromptWindows(),
          best.skippedByFilter(),
          best.duplicates());
      o.printf(
          "%s %.4f (null %.4f)%n",
          "kgw".equals(best.scheme()) ? "green      " : "mean score ",
          best.share(),
          best.expectedShare());
      o.printf(
          "p-value    %s (log10 %.2f)%s%n",
          DetectionJson.formatP(best.p().pValue(), best.p().log10PValue()),
          best.p().log10PValue(),
          results.size() > 1 ? ", family-wise log10 " + String.format("%.2f", familyLog10) : "");
      if (ScanJson.validTest(results)) {
        o.printf(
            "verdict    %s at alpha %s%n", radioactive ? "RADIOACTIVE" : "not radioactive", alpha);
      } else {
        o.printf("verdict    none: NOT A VALID TEST (%s)%n", ScanJson.EXPLORATORY_NOTE);
      }
    }
    o.flush();
    if (malformed > 0) {
      spec.commandLine().getErr().printf("telltale: skipped %d malformed lines%n", malformed);
    }
    return radioactive ? ExitCode.OK : ExitCode.NOT_DETECTED;
  }

  private long parse(
      String text,
      boolean reading,
      Tokenizer tok,
      List<RadioactivityTest.Exchange> exchanges,
      List<RadioactivityTest.Reading> readings) {
    long malformed = 0;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        n = null;
      }
      if (n == null || !n.isObject()) {
        malformed++;
        if (malformed == 1) {
          spec.commandLine().getErr().printf("telltale: line %d is not a JSON object%n", i + 1);
        }
        continue;
      }
      if (reading) {
        int[] ids = ids(n, "tokens", i + 1, tok);
        int[] pred = ids(n, "predictions", i + 1, tok);
        if (ids.length != pred.length) {
          throw new BadInputException(
              "line " + (i + 1) + ": \"tokens\" and \"predictions\" differ in length");
        }
        readings.add(new RadioactivityTest.Reading(ids, pred));
      } else {
        String prompt = string(n, "prompt", i + 1);
        String answer = string(n, "answer", i + 1);
        exchanges.add(
            new RadioactivityTest.Exchange(
                tok.encode(TextNormalizer.normalize(prompt)),
                tok.encode(TextNormalizer.normalize(answer))));
      }
    }
    return malformed;
  }

  private static String string(JsonNode n, String field, int line) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new BadInputException("line " + line + ": no string field \"" + field + "\"");
    }
    return v.asText();
  }

  private static int[] ids(JsonNode n, String field, int line, Tokenizer tok) {
    JsonNode v = n.get(field);
    if (v == null || !v.isArray()) {
      throw new BadInputException("line " + line + ": no token-id array \"" + field + "\"");
    }
    int[] out = new int[v.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode e = v.get(i);
      if (!e.canConvertToInt() || e.asInt() < 0 || e.asInt() >= tok.vocabSize()) {
        throw new BadInputException(
            "line " + line + ": \"" + field + "\" holds something other than token ids");
      }
      out[i] = e.asInt();
    }
    return out;
  }

  private WindowFilter filterFor(WatermarkKey k, Tokenizer tok, List<int[]> reference) {
    try {
      return WindowFilter.fromReference(k, tok, reference, filterMinCount);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--filter-corpus: " + e.getMessage(), e);
    }
  }

  private List<int[]> readFilterCorpus(Tokenizer tok) throws IOException {
    List<int[]> out = new ArrayList<>();
    try (DocumentSource s = DocumentSource.files(filterCorpus, "text")) {
      for (Optional<Document> d = s.next(); d.isPresent(); d = s.next()) {
        out.add(tok.encode(TextNormalizer.normalize(d.get().text())));
      }
    } catch (CorpusInputException e) {
      throw new BadInputException("--filter-corpus: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new BadInputException("--filter-corpus has no documents");
    }
    return out;
  }
}

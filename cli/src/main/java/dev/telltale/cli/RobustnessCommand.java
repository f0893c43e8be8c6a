package dev.telltale.cli;

import dev.telltale.evidence.report.RobustnessReport;
import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.testdata.TeacherGenerator;
import dev.telltale.testdata.attack.RobustnessSuite;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code telltale robustness}: the attack suite over teacher generations and null texts, as a table
 * of true-positive rates at fixed false-positive levels (exact p-value thresholds).
 */
@Command(
    name = "robustness",
    description = {
      "Run the attack suite for the key set's watermark keys over demo-teacher generations and",
      "held-out Europarl null texts; write TPR at FPR 1e-2, 1e-3, 1e-6 and median log10 p, before",
      "and after detection's hardened normal form, as robustness.json, .md and .html."
    })
final class RobustnessCommand implements Callable<Integer> {
  @Option(names = "--keys", required = true, description = "Key set file.")
  Path keys;

  @Option(
      names = "--key-id",
      description = "Only these watermark keys (repeatable; default: all of the set).")
  List<String> keyIds = new ArrayList<>();

  @Option(
      names = "--lengths",
      split = ",",
      defaultValue = "50,100,200,400,800",
      description = "Generation lengths in tokens (default ${DEFAULT-VALUE}).")
  int[] lengths;

  @Option(names = "--texts", defaultValue = "100", description = "Watermarked texts per cell.")
  int texts;

  @Option(names = "--nulls", defaultValue = "100", description = "Null texts per cell.")
  int nulls;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (deterministic).")
  long seed;

  @Option(names = "--quick", description = "Only the attacks the CI floors cover.")
  boolean quick;

  @Option(
      names = "--robust-context",
      description =
          "Also run each kgw or gumbel key that lacks it as a robust-context copy (same secret;"
              + " contexts skip tokens with no letter or digit). Keys made with --robust-context"
              + " always run as such.")
  boolean robustContext;

  @Option(names = "--out", defaultValue = ".", description = "Output directory.")
  Path out;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (texts < 1 || texts > 10_000 || nulls < 1 || nulls > 10_000) {
      throw new BadInputException("--texts and --nulls must be in 1..10000");
    }
    for (int l : lengths) {
      if (l < 8 || l > 4096) {
        throw new BadInputException("--lengths must be in 8..4096, got " + l);
      }
    }
    KeySet set = KeysCommand.load(keys);
    List<WatermarkKey> chosen = new ArrayList<>();
    for (WatermarkKey k : set.keys()) {
      if (keyIds.isEmpty() || keyIds.contains(k.id().value())) {
        chosen.add(k);
      }
    }
    if (chosen.isEmpty()) {
      throw new BadInputException("no watermark key of the set matches --key-id " + keyIds);
    }
    RobustnessSuite suite = new RobustnessSuite(TeacherGenerator.defaultTeacher());
    List<RobustnessSuite.Row> rows =
        suite.run(
            chosen,
            new RobustnessSuite.Config(
                lengths,
                texts,
                nulls,
                seed,
                List.of(RobustnessSuite.NormalForm.values()),
                !quick,
                robustContext));
    List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
    args.subList(0, args.indexOf("robustness") + 1).clear();
    // The key file's path is the investigator's business; the table names the key ids.
    String command =
        "telltale robustness " + String.join(" ", args).replace(keys.toString(), "KEYS");
    RobustnessReport report =
        new RobustnessReport(RobustnessSuite.LEVELS, RobustnessSuite.cells(rows), command);
    Files.createDirectories(out);
    Files.writeString(out.resolve("robustness.json"), report.json(), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("robustness.md"), report.markdown(), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("robustness.html"), report.html(), StandardCharsets.UTF_8);
    PrintWriter w = spec.commandLine().getOut();
    w.print(report.markdown());
    w.flush();
    return ExitCode.OK;
  }
}

package dev.telltale.cli;

import dev.telltale.detect.DetectionJson;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.KeySetDetection;
import dev.telltale.detect.KeySetDetector;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.KeyFileException;
import dev.telltale.key.KeyId;
import dev.telltale.key.KeySet;
import dev.telltale.key.KeySetFile;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.testdata.EuroparlCorpus;
import dev.telltale.testdata.Generation;
import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code telltale demo}: fresh keys, the teacher model, watermarked and plain texts, and the
 * detector's verdict on each, in well under a minute.
 */
@Command(
    name = "demo",
    description = {
      "Create fresh keys, train the teacher, generate watermarked and plain texts,",
      "and detect the watermark in each; writes keys and texts to --out."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      defaultValue = "telltale-demo",
      description = "Folder for the demo's keys and texts (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--tokens", defaultValue = "200", description = "Tokens per text (20..5000).")
  int tokens;

  @Option(names = "--seed", defaultValue = "7", description = "Sampling seed.")
  long seed;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  record Row(String label, String file, String text) {}

  @Override
  public Integer call() throws IOException {
    if (tokens < 20 || tokens > 5000) {
      throw new BadInputException("--tokens must be in 20..5000, got " + tokens);
    }
    PrintWriter o = spec.commandLine().getOut();
    long t0 = System.nanoTime();
    Files.createDirectories(out);
    SecureRandom random = new SecureRandom();
    WatermarkKey kgw =
        WatermarkKey.generate(KeyId.of("demo-kgw"), GreenListParameters.defaults(), random);
    WatermarkKey gumbel =
        WatermarkKey.generate(KeyId.of("demo-gumbel"), GumbelParameters.defaults(), random);
    KeySet keys = KeySet.of(kgw.id(), List.of(kgw, gumbel));
    Path keyFile = out.resolve("keys.json");
    try {
      KeySetFile.write(keyFile, keys, true);
    } catch (KeyFileException e) {
      throw new BadInputException(e.getMessage(), e);
    }
    o.printf(
        "keys       %s (kgw gamma 0.25 delta 2, gumbel; h = 2) -> %s%n", "2 fresh keys", keyFile);

    TeacherGenerator teacher = TeacherGenerator.defaultTeacher();
    o.printf(
        "teacher    Kneser-Ney order 4 over cl100k_base, trained on %d Europarl documents (%.1f s)%n",
        EuroparlCorpus.load().train().size(), (System.nanoTime() - t0) / 1e9);
    o.flush();
    List<int[]> prompts = teacher.heldOutPrompts(3, 8);
    SamplingParams params = SamplingParams.defaults();
    List<Row> rows = new ArrayList<>();
    rows.add(
        row(
            "watermarked (kgw)",
            "kgw.txt",
            teacher.generate(prompts.get(0), tokens, params, seed, Watermarker.of(kgw))));
    rows.add(
        row(
            "watermarked (gumbel)",
            "gumbel.txt",
            teacher.generate(prompts.get(1), tokens, params, seed + 1, Watermarker.of(gumbel))));
    rows.add(
        row(
            "plain teacher",
            "plain.txt",
            teacher.generate(prompts.get(2), tokens, params, seed + 2)));
    String human =
        EuroparlCorpus.load().heldOutPassages(teacher.tokenizer(), tokens / 2, tokens * 2).get(0);
    rows.add(new Row("human (held-out)", "human.txt", human));
    Generation kgwLong =
        teacher.generate(prompts.get(0), tokens / 2, params, seed + 3, Watermarker.of(kgw));
    rows.add(
        new Row(
            "human + kgw passage",
            "mixed.txt",
            human + " " + kgwLong.text().strip() + " " + human));

    KeySetDetector detector =
        KeySetDetector.of(keys, teacher.tokenizer(), DetectionPolicy.defaults().withWindow(true));
    o.println();
    o.printf(
        "%-22s %7s %7s %-16s %12s %-16s%n",
        "text", "tokens", "scored", "key / statistic", "p-value", "verdict");
    for (Row r : rows) {
      Files.writeString(out.resolve(r.file()), r.text().strip() + "\n");
      KeySetDetection d = detector.detectText(r.text());
      var best = d.best();
      String stat =
          best.greenTokens().isPresent()
              ? String.format(
                  "kgw %.0f%% green", 100.0 * best.score() / Math.max(1, best.scoredTokens()))
              : String.format("gumbel S=%.0f", best.score());
      o.printf(
          "%-22s %7d %7d %-16s %12s %-16s%n",
          r.label(),
          best.tokens(),
          best.scoredTokens(),
          stat,
          DetectionJson.formatP(d.familyWise().pValue(), d.familyWise().log10PValue()),
          d.verdict().label());
    }
    o.println();
    o.printf(
        "p-value: family-wise over the 2 keys (Holm) of the best window (Bonferroni over windows);%n"
            + "watermarked at alpha 1e-6. Texts and keys are in %s; try:%n"
            + "  ./telltale detect --keys %s %s%n"
            + "done in %.1f s%n",
        out, keyFile, out.resolve("kgw.txt"), (System.nanoTime() - t0) / 1e9);
    return ExitCode.OK;
  }

  private static Row row(String label, String file, Generation g) {
    return new Row(label, file, g.text());
  }
}

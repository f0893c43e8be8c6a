package dev.telltale.cli;

import dev.telltale.embed.Watermarker;
import dev.telltale.key.KeySet;
import dev.telltale.testdata.EuroparlCorpus;
import dev.telltale.testdata.Generation;
import dev.telltale.testdata.KneserNeyModel;
import dev.telltale.testdata.TeacherGenerator;
import dev.telltale.text.Tokenizer;
import dev.telltale.text.Tokenizers;
import dev.telltale.text.hf.HfTokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code telltale generate}: text from the demo teacher model, watermarked unless --plain. */
@Command(
    name = "generate",
    description = {
      "Generate text with the demo teacher (a Kneser-Ney model of English Europarl over",
      "cl100k_base ids), watermarked with the key set's primary key unless --plain."
    })
final class GenerateCommand implements Callable<Integer> {
  /** o200k_base's mergeable ranks; its special tokens follow. */
  private static final int O200K_ORDINARY_IDS = 199_998;

  @Option(names = "--keys", description = "Key set file (required unless --plain).")
  Path keys;

  @Option(
      names = "--prompt",
      defaultValue = "The Commission",
      description = "Text the generation continues (default '${DEFAULT-VALUE}').")
  String prompt;

  @Option(names = "--tokens", defaultValue = "200", description = "Tokens to generate (1..100000).")
  int tokens;

  @Option(names = "--seed", defaultValue = "1", description = "Sampling seed (deterministic).")
  long seed;

  @Option(names = "--plain", description = "Generate without a watermark.")
  boolean plain;

  @Option(
      names = "--account",
      description = "Also embed this account id in the primary key's payload layer.")
  Long account;

  @Option(
      names = "--tokenizer",
      paramLabel = "NAME|FILE",
      description =
          "Generate over another tokenizer's ids (o200k_base or a tokenizer.json of at most"
              + " 1,048,574 ids): the demo teacher is then trained over them first (slower).")
  String tokenizer;

  @Option(
      names = "--plain-share",
      paramLabel = "Q",
      description =
          "Gumbel keys: sample this share of positions ordinarily instead of by the keyed choice,"
              + " so outputs of different requests repeat less (0 = off; detection unchanged).")
  Double plainShare;

  @Mixin TeacherOptions sampling;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (tokens < 1 || tokens > 100_000) {
      throw new BadInputException("--tokens must be in 1..100000, got " + tokens);
    }
    if (plain && account != null) {
      throw new BadInputException("--account needs a watermark; drop --plain");
    }
    if (!plain && keys == null) {
      throw new BadInputException("--keys is required unless --plain");
    }
    if (plain && plainShare != null) {
      throw new BadInputException("--plain-share needs a watermark; drop --plain");
    }
    KeySet set = plain ? null : KeysCommand.load(keys);
    var params = sampling.toParams();
    TeacherGenerator teacher =
        tokenizer == null || tokenizer.equals(Tokenizers.CL100K_BASE)
            ? TeacherGenerator.defaultTeacher()
            : teacherOver(DetectCommand.tokenizer(tokenizer));
    Watermarker watermarker = null;
    if (!plain) {
      // A robust-context key's sessions keep the skipped class of this tokenizer out of contexts.
      try {
        watermarker =
            account == null
                ? Watermarker.of(set.primary(), teacher.tokenizer())
                : Watermarker.forAccount(set.primary(), account, teacher.tokenizer());
      } catch (IllegalArgumentException e) {
        throw new BadInputException("--account: " + e.getMessage());
      }
      if (plainShare != null) {
        try {
          watermarker = watermarker.withPlainShare(plainShare);
        } catch (IllegalArgumentException e) {
          throw new BadInputException("--plain-share: " + e.getMessage());
        }
      }
    }
    Generation g = teacher.generate(prompt, tokens, params, seed, watermarker);
    PrintWriter out = spec.commandLine().getOut();
    out.println(g.text().strip());
    out.flush();
    return ExitCode.OK;
  }

  /** The demo teacher's recipe (order 4, Europarl training split) over {@code tok}'s ids. */
  private static TeacherGenerator teacherOver(Tokenizer tok) {
    int ordinary = tok instanceof HfTokenizer hf ? hf.modelVocabSize() : O200K_ORDINARY_IDS;
    try {
      return new TeacherGenerator(
          KneserNeyModel.train(tok, EuroparlCorpus.load().train(), KneserNeyModel.DEFAULT_ORDER),
          tok,
          Math.min(ordinary, tok.vocabSize()));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--tokenizer " + tok.name() + ": " + e.getMessage());
    }
  }
}

package dev.telltale.testdata;

import dev.telltale.embed.Watermarker;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Distillation at small scale: the teacher serves watermarked outputs to many accounts, a rival
 * harvests them and trains a student n-gram model on human text mixed with a fraction rho of the
 * harvest, and an investigator queries the student. Every step is seeded; generation runs on the
 * common fork-join pool with one seed per document, so results do not depend on the core count.
 */
public final class DistillationSimulator {
  /** Default student order: contexts of 3 tokens cover the watermark's default width h = 2. */
  public static final int STUDENT_ORDER = 4;

  private final TeacherGenerator teacher;
  private final SamplingParams params;

  public DistillationSimulator(TeacherGenerator teacher, SamplingParams params) {
    this.teacher = teacher;
    this.params = params;
  }

  public TeacherGenerator teacher() {
    return teacher;
  }

  /** One harvested output: which account asked, the prompt and the teacher's answer. */
  public record Harvested(int account, int[] prompt, int[] output) {}

  /**
   * The harvest: {@code accounts} accounts each ask {@code perAccount} prompts (the start of a
   * Europarl training sentence) and receive {@code tokens} watermarked tokens; account {@code a} is
   * served by {@code watermarker.apply(a)} (the demo: {@code Watermarker.forAccount} with the
   * account's id, over the zero-bit watermark all accounts share).
   */
  public List<Harvested> harvest(
      IntFunction<Watermarker> watermarker, int accounts, int perAccount, int tokens, long seed) {
    List<int[]> prompts = trainPrompts(accounts * perAccount, 8);
    return IntStream.range(0, accounts * perAccount)
        .parallel()
        .mapToObj(
            i -> {
              int account = i % accounts;
              int[] prompt = prompts.get(i);
              int[] out =
                  teacher
                      .generate(
                          prompt, tokens, params, seed * 1_000_003L + i, watermarker.apply(account))
                      .tokens();
              return new Harvested(account, prompt, out);
            })
        .toList();
  }

  /** Human training documents of the student: the Europarl training split, tokenized. */
  public List<int[]> humanDocuments() {
    return EuroparlCorpus.load().train().stream().map(teacher.tokenizer()::encode).toList();
  }

  /**
   * A student trained on {@code humanTokens} tokens split between human text (share 1 - rho) and
   * harvested outputs (share rho), taken in order from the two lists.
   */
  public static KneserNeyModel student(
      double rho, List<int[]> human, List<int[]> harvested, long tokens, int order, int vocab) {
    if (!(rho >= 0 && rho <= 1)) {
      throw new IllegalArgumentException("rho must be in [0, 1], got " + rho);
    }
    List<int[]> mix = new ArrayList<>();
    long teacherWanted = Math.round(rho * tokens);
    long got = take(harvested, teacherWanted, mix);
    if (got < teacherWanted) {
      throw new IllegalArgumentException(
          "harvest has " + got + " tokens, rho needs " + teacherWanted);
    }
    take(human, tokens - got, mix);
    return KneserNeyModel.fit(mix, vocab, order);
  }

  private static long take(List<int[]> docs, long wanted, List<int[]> into) {
    long got = 0;
    for (int[] d : docs) {
      if (got >= wanted) {
        break;
      }
      int n = (int) Math.min(d.length, wanted - got);
      into.add(n == d.length ? d : java.util.Arrays.copyOf(d, n));
      got += n;
    }
    return got;
  }

  /**
   * The investigator's queries: each prompt answered by {@code model} with {@code tokens} tokens.
   */
  public List<int[]> answers(LanguageModel model, List<int[]> prompts, int tokens, long seed) {
    TeacherGenerator g =
        new TeacherGenerator(model, teacher.tokenizer(), TeacherGenerator.CL100K_ORDINARY_IDS);
    return IntStream.range(0, prompts.size())
        .parallel()
        .mapToObj(i -> g.generate(prompts.get(i), tokens, params, seed * 7_919L + i).tokens())
        .toList();
  }

  /** Prompts from the training split: the first tokens of each sentence, cycling as needed. */
  public List<int[]> trainPrompts(int count, int tokens) {
    List<String> sentences = new ArrayList<>();
    for (String doc : EuroparlCorpus.load().train()) {
      sentences.addAll(EuroparlCorpus.sentences(doc));
    }
    List<int[]> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(teacher.prompt(sentences.get(i % sentences.size()), tokens));
    }
    return out;
  }
}

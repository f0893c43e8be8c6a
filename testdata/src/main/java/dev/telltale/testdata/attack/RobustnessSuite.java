package dev.telltale.testdata.attack;

import dev.telltale.detect.Detection;
import dev.telltale.detect.DetectionPolicy;
import dev.telltale.detect.Detector;
import dev.telltale.detect.FormTokens;
import dev.telltale.embed.Watermarker;
import dev.telltale.key.WatermarkKey;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.GumbelParameters;
import dev.telltale.scheme.WatermarkParameters;
import dev.telltale.testdata.EuroparlCorpus;
import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;
import dev.telltale.text.DetectionNormalizer;
import dev.telltale.text.TextNormalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Runs the attack suite: for each key and length, watermarked teacher generations and null texts
 * (held-out Europarl passages, topped up with plain teacher generations) go through the same
 * attacks, and detection's exact p-values give the true-positive rate at fixed false-positive
 * levels. A text counts as detected at level a when its p-value is at most a (the threshold is the
 * exact p-value, never fitted); the false-positive rate at a is measured on the attacked nulls.
 */
public final class RobustnessSuite {
  /** The detection normal forms compared: before and after the hardening, and the search. */
  public enum NormalForm {
    /** {@link TextNormalizer}: carrier characters removed, NFC, trimmed. */
    BASIC(TextNormalizer::normalize),
    /** {@link DetectionNormalizer}: also ignorables removed, confusables and spaces folded. */
    HARDENED(DetectionNormalizer::normalize),
    /**
     * What {@code Detector.detectText} does: the distinct token sequences of {@link
     * FormTokens#DEFAULT_FAMILY}, the smallest p-value times their number.
     */
    SEARCH(null);

    final UnaryOperator<String> fold;

    NormalForm(UnaryOperator<String> fold) {
      this.fold = fold;
    }
  }

  /** Sizes and seed of a run. */
  public record Config(
      int[] lengths,
      int texts,
      int nulls,
      long seed,
      List<NormalForm> forms,
      boolean full,
      boolean robustContext) {
    public Config {
      lengths = lengths.clone();
      forms = List.copyOf(forms);
      if (texts < 1 || nulls < 1) {
        throw new IllegalArgumentException("need at least one text and one null");
      }
    }
  }

  /** One cell of the table. */
  public record Row(
      String key,
      String scheme,
      String attack,
      int length,
      NormalForm form,
      int texts,
      int nulls,
      double[] levels,
      int[] detected,
      int[] falsePositives,
      double medianLog10P) {
    public double tpr(int level) {
      return detected[level] / (double) texts;
    }

    public double fpr(int level) {
      return falsePositives[level] / (double) nulls;
    }
  }

  public static final double[] LEVELS = {1e-2, 1e-3, 1e-6};

  private final TeacherGenerator teacher;
  private final List<String> human;
  private final TokenPool pool;

  public RobustnessSuite(TeacherGenerator teacher) {
    this.teacher = teacher;
    List<String> held = EuroparlCorpus.load().heldOut();
    // The second half of the held-out documents fills pastes and pools; prompts and human nulls
    // come from the first half, so no null is pasted into itself.
    this.human = held.subList(held.size() / 2, held.size());
    this.pool = TokenPool.heldOut(teacher.tokenizer(), held.size() / 2);
  }

  /** The text-to-text attacks at the strengths. */
  public List<Attack> attacks(boolean full) {
    var tok = teacher.tokenizer();
    List<Attack> a = new ArrayList<>();
    a.add(Attack.none());
    a.add(new InvisibleCharacters(InvisibleCharacters.Placement.AFTER_SPACE, 0.5, 0x200B));
    a.add(new InvisibleCharacters(InvisibleCharacters.Placement.BEFORE_SPACE, 0.5, 0x200B));
    a.add(new InvisibleCharacters(InvisibleCharacters.Placement.INSIDE_WORD, 0.1));
    a.add(new Homoglyphs(0.1));
    a.add(new WhitespaceChange(0.3));
    a.add(CaseChange.words(0.1));
    a.add(new PunctuationRemoval(1));
    a.add(new Typos(0.2));
    a.add(new TokenEdit(tok, pool, TokenEdit.Kind.DELETION, 0.25));
    a.add(new TokenEdit(tok, pool, TokenEdit.Kind.SUBSTITUTION, 0.25));
    if (full) {
      a.add(new TokenEdit(tok, pool, TokenEdit.Kind.INSERTION, 0.25));
      a.add(new TokenEdit(tok, pool, TokenEdit.Kind.SUBSTITUTION, 0.5));
      a.add(new AdjacentSwap(0.2));
      a.add(CaseChange.lower());
      a.add(new TeacherParaphrase(teacher, 4, 0.25));
      a.add(new CopyPasteDilution(tok, human, 0.5));
      a.add(new CopyPasteDilution(tok, human, 0.1));
    }
    a.add(new CopyPasteDilution(tok, human, 0.25));
    return a;
  }

  /** The rows as the report's cells. */
  public static List<dev.telltale.evidence.report.RobustnessReport.Cell> cells(List<Row> rows) {
    List<dev.telltale.evidence.report.RobustnessReport.Cell> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(
          new dev.telltale.evidence.report.RobustnessReport.Cell(
              r.key(),
              r.scheme(),
              r.attack(),
              r.length(),
              r.form().name(),
              r.texts(),
              r.nulls(),
              r.detected(),
              r.falsePositives(),
              r.medianLog10P()));
    }
    return out;
  }

  /**
   * Runs every attack for every key, length and normal form. Keys whose parameters declare robust
   * contexts run as such; with {@link Config#robustContext()} every other kgw or gumbel key also
   * runs as a robust-context copy (same secret).
   */
  public List<Row> run(List<WatermarkKey> keys, Config c) {
    List<Row> rows = new ArrayList<>();
    List<Attack> attacks = attacks(c.full());
    EmojiAttack emoji = new EmojiAttack(teacher, EmojiAttack.MARKER);
    for (WatermarkKey key : keys) {
      runKey(key, c, attacks, emoji, rows);
      robustCopy(key)
          .filter(k -> c.robustContext())
          .ifPresent(k -> runKey(k, c, attacks, emoji, rows));
    }
    return rows;
  }

  /** {@code key} with the robust-context option, if it is a kgw or gumbel key without it. */
  public static Optional<WatermarkKey> robustCopy(WatermarkKey key) {
    WatermarkParameters p = key.parameters();
    if (p.robustContext()) {
      return Optional.empty();
    }
    WatermarkParameters robust;
    if (p instanceof GreenListParameters g) {
      robust = g.withRobustContext(true);
    } else if (p instanceof GumbelParameters g) {
      robust = g.withRobustContext(true);
    } else {
      return Optional.empty();
    }
    return Optional.of(WatermarkKey.of(key.id(), robust, key.secret(), key.created()));
  }

  private void runKey(
      WatermarkKey key, Config c, List<Attack> attacks, EmojiAttack emoji, List<Row> rows) {
    {
      for (int len : c.lengths()) {
        SplittableRandom r = new SplittableRandom(c.seed() * 31 + len);
        List<int[]> prompts = teacher.heldOutPrompts(c.texts(), 8);
        List<String> marked = new ArrayList<>();
        List<String> emojied = new ArrayList<>();
        for (int i = 0; i < c.texts(); i++) {
          long seed = r.nextLong();
          // Payload keys embed an account too, as in service; detection tests the zero-bit layer.
          Watermarker wm =
              key.parameters() instanceof GreenListParameters g && g.payload().isPresent()
                  ? Watermarker.forAccount(key, 1 + i, teacher.tokenizer())
                  : Watermarker.of(key, teacher.tokenizer());
          marked.add(
              teacher.generate(prompts.get(i), len, SamplingParams.defaults(), seed, wm).text());
          emojied.add(emoji.generate(prompts.get(i), len, SamplingParams.defaults(), seed, wm));
        }
        List<String> nulls = nulls(len, c.nulls(), r.nextLong());
        for (Attack a : attacks) {
          long attackSeed = r.nextLong();
          List<String> am = attackAll(a, marked, attackSeed);
          List<String> an = attackAll(a, nulls, attackSeed ^ 0x5DEECE66DL);
          boolean paste = a instanceof CopyPasteDilution;
          for (NormalForm f : c.forms()) {
            rows.add(row(key, a.name(), len, f, am, an, false));
            if (paste) {
              rows.add(row(key, a.name() + "+window", len, f, am, an, true));
            }
          }
        }
        for (NormalForm f : c.forms()) {
          rows.add(row(key, emoji.name(), len, f, emojied, nulls, false));
        }
      }
    }
  }

  private static List<String> attackAll(Attack a, List<String> texts, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(a.apply(t, r.split()));
    }
    return out;
  }

  /**
   * Null texts of about {@code len} tokens: held-out human passages (first half of the held-out
   * documents, cut to {@code len} tokens) and, when they run out, plain teacher generations.
   */
  public List<String> nulls(int len, int count, long seed) {
    var tok = teacher.tokenizer();
    List<String> held = EuroparlCorpus.load().heldOut();
    List<String> out = new ArrayList<>();
    for (String doc : held.subList(0, held.size() / 2)) {
      int[] ids = tok.encode(doc);
      if (ids.length >= len && out.size() < count) {
        out.add(tok.decode(Arrays.copyOf(ids, len)));
      }
    }
    SplittableRandom r = new SplittableRandom(seed);
    List<int[]> prompts = teacher.heldOutPrompts(Math.min(count, held.size()), 8);
    for (int i = 0; out.size() < count; i++) {
      int[] prompt = prompts.get(i % prompts.size());
      out.add(teacher.generate(prompt, len, SamplingParams.defaults(), r.nextLong()).text());
    }
    return out;
  }

  private Row row(
      WatermarkKey key,
      String attack,
      int len,
      NormalForm f,
      List<String> marked,
      List<String> nulls,
      boolean window) {
    Detector d =
        Detector.of(key, teacher.tokenizer(), DetectionPolicy.defaults().withWindow(window));
    double[] pm = log10P(d, f, marked);
    double[] pn = log10P(d, f, nulls);
    int[] det = new int[LEVELS.length];
    int[] fp = new int[LEVELS.length];
    for (int l = 0; l < LEVELS.length; l++) {
      double cut = Math.log10(LEVELS[l]);
      for (double p : pm) {
        det[l] += p <= cut ? 1 : 0;
      }
      for (double p : pn) {
        fp[l] += p <= cut ? 1 : 0;
      }
    }
    double[] sorted = pm.clone();
    Arrays.sort(sorted);
    double median =
        sorted.length % 2 == 1
            ? sorted[sorted.length / 2]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    return new Row(
        key.id().value(),
        key.parameters().schemeName() + (key.parameters().robustContext() ? "+robust" : ""),
        attack,
        len,
        f,
        marked.size(),
        nulls.size(),
        LEVELS.clone(),
        det,
        fp,
        median);
  }

  // The detector of a robust-context key drops the skipped class itself.
  private double[] log10P(Detector d, NormalForm f, List<String> texts) {
    double[] out = new double[texts.size()];
    for (int i = 0; i < out.length; i++) {
      if (f == NormalForm.SEARCH) {
        List<FormTokens> forms =
            FormTokens.encode(teacher.tokenizer(), texts.get(i), FormTokens.DEFAULT_FAMILY);
        out[i] = d.detectForms(forms).decisive().log10PValue();
        continue;
      }
      int[] ids = teacher.tokenizer().encode(f.fold.apply(texts.get(i)));
      Detection det = d.detectTokens(ids, 0, ids.length);
      out[i] = det.decisive().log10PValue();
    }
    return out;
  }
}

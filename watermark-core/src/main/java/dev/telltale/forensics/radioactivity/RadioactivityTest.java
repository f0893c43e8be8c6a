package dev.telltale.forensics.radioactivity;

import dev.telltale.collect.LongOpenHashSet;
import dev.telltale.detect.VllmFingerprints;
import dev.telltale.key.WatermarkKey;
import dev.telltale.prf.WatermarkPrf;
import dev.telltale.scheme.GreenListParameters;
import dev.telltale.scheme.VllmParameters;
import dev.telltale.stats.TailProbability;
import dev.telltale.stats.Tails;
import dev.telltale.text.ContextSkip;
import dev.telltale.text.Tokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Tests whether a suspect model was trained on our watermarked outputs ("radioactivity", Sander et
 * al. 2024): a student inherits a faint, consistent bias toward the key's green tokens. All answers
 * are scored on one global tape, so a tuple the student repeats counts once; tuples whose window
 * occurs in the prompt are skipped, because a model that merely echoes a watermarked prompt would
 * otherwise look radioactive; an optional {@link WindowFilter} keeps only windows chosen by a
 * key-independent rule. Without deduplication or the prompt filter the p-value is not valid (the
 * README shows how far off it goes): such options make an exploratory run whose result says so
 * ({@link RadioactivityResult#validTest()}) and gives no verdict.
 *
 * <p>Two settings: closed model (the investigator sent prompts and collected answers) and reading
 * mode (the suspect's top-1 next-token predictions on our text, for an open model). In reading mode
 * only the first occurrence of each window within a reading is scored: after a window's first
 * occurrence our text carries a token pushed towards that window's green list, and any model that
 * copies from its context (every real LLM does) would predict it again; before it, the prefix
 * cannot depend on that window's green list, so an innocent prediction is green with probability
 * gamma exactly.
 */
public final class RadioactivityTest {
  /** Which prompt windows are excluded from scoring. */
  public enum PromptFilter {
    /** None: only for showing why the filter is needed. */
    NONE,
    /** Windows of the exchange's own prompt (the default). */
    OWN_PROMPT,
    /** Windows of any prompt of the run. */
    ALL_PROMPTS
  }

  /**
   * How tuples are selected.
   *
   * @param dedup score each (window, token) tuple once over the whole run (needed for validity)
   * @param promptFilter which prompt windows to skip (closed model only)
   */
  public record Options(boolean dedup, PromptFilter promptFilter) {
    public Options {
      Objects.requireNonNull(promptFilter, "promptFilter");
    }

    /** The valid test: global deduplication and the exchange's own prompt windows skipped. */
    public static Options strict() {
      return new Options(true, PromptFilter.OWN_PROMPT);
    }

    /**
     * Whether these options give a valid p-value in closed mode: deduplication on and prompt
     * windows skipped. Otherwise the run is exploratory: no verdict, no evidence.
     */
    public boolean validClosed() {
      return dedup && promptFilter != PromptFilter.NONE;
    }

    /** Whether these options give a valid p-value in reading mode: deduplication on. */
    public boolean validReading() {
      return dedup;
    }
  }

  /** One query to the suspect: our prompt and its answer, as token ids. */
  public record Exchange(int[] prompt, int[] answer) {
    public Exchange {
      prompt = prompt.clone();
      answer = answer.clone();
    }
  }

  /**
   * One text of ours read by an open suspect: {@code predictions[i]} is its top-1 prediction of
   * {@code text[i]} given {@code text[0..i)}; the arrays have the same length.
   */
  public record Reading(int[] text, int[] predictions) {
    public Reading {
      if (text.length != predictions.length) {
        throw new IllegalArgumentException(
            "text has " + text.length + " tokens but " + predictions.length + " predictions");
      }
      text = text.clone();
      predictions = predictions.clone();
    }
  }

  private final WatermarkKey key;
  private final WatermarkPrf prf;
  private final Options options;
  private final Optional<WindowFilter> filter;
  private final boolean greenList;
  private final double gamma;
  // The robust-context class of the key's tokenizer, or null for ordinary keys.
  private final ContextSkip skip;

  private RadioactivityTest(
      WatermarkKey key, ContextSkip skip, Options options, Optional<WindowFilter> filter) {
    this.key = key;
    this.skip = skip;
    this.prf = WatermarkPrf.of(key);
    this.options = options;
    this.filter = filter;
    filter.ifPresent(
        f -> {
          if (!f.keyId().equals(key.id())) {
            throw new IllegalArgumentException("window filter belongs to another key");
          }
        });
    this.greenList =
        key.parameters() instanceof GreenListParameters
            || (key.parameters() instanceof VllmParameters v && v.countsGreen());
    this.gamma =
        key.parameters() instanceof GreenListParameters g
            ? g.effectiveGamma()
            : key.parameters() instanceof VllmParameters v ? v.nullMean() : 1.0;
  }

  /**
   * The test of a key without the robust-context option; a robust-context key needs its tokenizer
   * ({@link #of(WatermarkKey, Tokenizer, Options, Optional)}).
   */
  public static RadioactivityTest of(
      WatermarkKey key, Options options, Optional<WindowFilter> filter) {
    if (key.parameters().robustContext()) {
      throw new IllegalArgumentException(
          "key '" + key.id() + "' has robust contexts; its test needs the tokenizer");
    }
    return new RadioactivityTest(key, null, options, filter);
  }

  /**
   * The test of {@code key} over ids of {@code tokenizer}: for a robust-context key the skipped
   * class is dropped from prompts, answers and readings before windows are formed, as generation
   * did.
   */
  public static RadioactivityTest of(
      WatermarkKey key, Tokenizer tokenizer, Options options, Optional<WindowFilter> filter) {
    return new RadioactivityTest(
        key, key.parameters().robustContext() ? ContextSkip.of(tokenizer) : null, options, filter);
  }

  /** Running totals of one test. */
  private final class Totals {
    final LongOpenHashSet tape = new LongOpenHashSet(1 << 12);
    // vLLM keys: their tuple fingerprints and scores (VllmFingerprints); null otherwise
    final VllmFingerprints vllm =
        key.parameters() instanceof VllmParameters ? VllmFingerprints.of(key) : null;
    long positions;
    long skippedPrompt;
    long skippedFilter;
    long skippedRepeated;
    long duplicates;
    long scored;
    long green;
    double sum;

    /** Scores token {@code token} after the window ending at {@code ctx[end)}. */
    void add(int[] ctx, int end, int token, LongOpenHashSet promptWindows) {
      positions++;
      long window = prf.contextSeed(ctx, end);
      if (promptWindows != null && promptWindows.contains(window)) {
        skippedPrompt++;
        return;
      }
      if (filter.isPresent() && !filter.get().contains(window)) {
        skippedFilter++;
        return;
      }
      long u;
      if (vllm != null) {
        u = vllm.fingerprint(ctx, 0, end, token);
      } else {
        long seed = prf.selfHash() ? prf.selfHashSeed(ctx, end, token) : window;
        u = prf.tokenBits(seed, token);
      }
      if (options.dedup() && !tape.add(u)) {
        duplicates++;
        return;
      }
      scored++;
      if (vllm != null) {
        if (greenList) {
          green += vllm.green(u);
        } else {
          sum += vllm.score(u);
        }
      } else if (greenList) {
        green += WatermarkPrf.greenBit(u, prf.greenThreshold());
      } else {
        sum += WatermarkPrf.gumbelScore(u);
      }
    }

    RadioactivityResult result(String mode, long records, boolean valid) {
      double score = greenList ? green : sum;
      TailProbability p;
      if (scored == 0) {
        p = TailProbability.ONE;
      } else if (vllm != null) {
        p = vllm.tail(scored, score);
      } else {
        p = greenList ? Tails.binomialUpper(scored, green, gamma) : Tails.gammaUpper(scored, sum);
      }
      return new RadioactivityResult(
          key.id(),
          key.parameters().schemeName(),
          mode,
          records,
          positions,
          skippedPrompt,
          skippedFilter,
          skippedRepeated,
          duplicates,
          scored,
          score,
          scored == 0 ? 0.0 : score / scored,
          gamma,
          p,
          valid);
    }
  }

  /** Closed model: scores every answer token whose window lies in prompt + answer. */
  public RadioactivityResult closedModel(List<Exchange> exchanges) {
    if (skip != null) {
      List<Exchange> kept = new java.util.ArrayList<>(exchanges.size());
      for (Exchange e : exchanges) {
        kept.add(new Exchange(skip.kept(e.prompt), skip.kept(e.answer)));
      }
      exchanges = kept;
    }
    int h = prf.contextWidth();
    LongOpenHashSet all = null;
    if (options.promptFilter() == PromptFilter.ALL_PROMPTS) {
      all = new LongOpenHashSet(1 << 12);
      for (Exchange e : exchanges) {
        addWindows(e.prompt, all);
      }
    }
    Totals t = new Totals();
    LongOpenHashSet own = new LongOpenHashSet(256);
    for (Exchange e : exchanges) {
      int[] seq = Arrays.copyOf(e.prompt, e.prompt.length + e.answer.length);
      System.arraycopy(e.answer, 0, seq, e.prompt.length, e.answer.length);
      LongOpenHashSet windows = null;
      if (options.promptFilter() == PromptFilter.OWN_PROMPT) {
        own.clear();
        addWindows(e.prompt, own);
        windows = own;
      } else if (all != null) {
        windows = all;
      }
      for (int i = Math.max(h, e.prompt.length); i < seq.length; i++) {
        t.add(seq, i, seq[i], windows);
      }
    }
    return t.result("closed", exchanges.size(), options.validClosed());
  }

  /**
   * Reading mode: scores each top-1 prediction against the window of our text before it, at the
   * first occurrence of that window in the reading only (see the class comment).
   */
  public RadioactivityResult readingMode(List<Reading> readings) {
    int h = prf.contextWidth();
    Totals t = new Totals();
    LongOpenHashSet seen = new LongOpenHashSet(1 << 10);
    int[] kept = skip == null ? null : new int[16];
    for (Reading r : readings) {
      seen.clear();
      if (skip != null) {
        // Robust contexts: the window before position i is the last h kept tokens of the text;
        // a prediction of the skipped class is not a tuple.
        if (kept.length < r.text.length) {
          kept = new int[r.text.length];
        }
        int k = 0;
        for (int i = 0; i < r.text.length; i++) {
          if (k >= h && !skip.skips(r.predictions[i])) {
            if (!seen.add(prf.contextSeed(kept, k))) {
              t.positions++;
              t.skippedRepeated++;
            } else {
              t.add(kept, k, r.predictions[i], null);
            }
          }
          if (!skip.skips(r.text[i])) {
            kept[k++] = r.text[i];
          }
        }
        continue;
      }
      for (int i = h; i < r.text.length; i++) {
        if (!seen.add(prf.contextSeed(r.text, i))) {
          t.positions++;
          t.skippedRepeated++;
          continue;
        }
        t.add(r.text, i, r.predictions[i], null);
      }
    }
    return t.result("reading", readings.size(), options.validReading());
  }

  private void addWindows(int[] prompt, LongOpenHashSet into) {
    for (int i = prf.contextWidth(); i <= prompt.length; i++) {
      into.add(prf.contextSeed(prompt, i));
    }
  }
}

package dev.telltale.detect;

import dev.telltale.key.KeySet;
import dev.telltale.key.WatermarkKey;
import dev.telltale.stats.Combine;
import dev.telltale.stats.TailProbability;
import dev.telltale.text.Deadline;
import dev.telltale.text.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Tests an input against every key of a key set (old keys after a rotation, or one key per tenant)
 * and corrects for the number of keys with Holm's method.
 */
public final class KeySetDetector {
  private final List<Detector> detectors;
  private final Tokenizer tokenizer;
  private final DetectionPolicy policy;

  private KeySetDetector(KeySet keys, Tokenizer tokenizer, DetectionPolicy policy) {
    List<Detector> list = new ArrayList<>();
    for (WatermarkKey k : keys.keys()) {
      list.add(Detector.of(k, tokenizer, policy));
    }
    this.detectors = List.copyOf(list);
    this.tokenizer = tokenizer;
    this.policy = policy;
  }

  public static KeySetDetector of(KeySet keys, Tokenizer tokenizer, DetectionPolicy policy) {
    return new KeySetDetector(keys, tokenizer, policy);
  }

  /**
   * Tests {@code text} in the normal forms of {@link FormTokens#DEFAULT_FAMILY}; see {@link
   * #detectForms}.
   */
  public KeySetDetection detectText(String text) {
    return detectForms(FormTokens.encode(tokenizer, text, FormTokens.DEFAULT_FAMILY));
  }

  /**
   * Tests the distinct token sequences of a text's normal forms ({@link FormTokens#encode}): each
   * key keeps its smallest decisive p-value times the number of sequences (Bonferroni), then Holm
   * over the keys. Each key's detection names the form that won ({@link Detection#normalForm()}).
   */
  public KeySetDetection detectForms(List<FormTokens> forms) {
    return detectForms(forms, Deadline.NONE);
  }

  /** {@link #detectForms(List)}, checking {@code deadline} before each key. */
  public KeySetDetection detectForms(List<FormTokens> forms, Deadline deadline) {
    List<Detection> all = new ArrayList<>(detectors.size());
    for (Detector d : detectors) {
      deadline.check();
      all.add(d.detectForms(forms));
    }
    return combine(all);
  }

  /** {@link #detectText(String)}, checking {@code deadline} while tokenising and between keys. */
  public KeySetDetection detectText(String text, Deadline deadline) {
    return detectForms(
        FormTokens.encode(tokenizer, text, FormTokens.DEFAULT_FAMILY, deadline), deadline);
  }

  public KeySetDetection detectTokens(int[] ids, int off, int len) {
    return detectTokens(ids, off, len, Deadline.NONE);
  }

  /**
   * Tests {@code ids[off .. off+len)} against every key, checking {@code deadline} before each key.
   *
   * @throws dev.telltale.text.DeadlineExceededException once the deadline has passed
   */
  public KeySetDetection detectTokens(int[] ids, int off, int len, Deadline deadline) {
    List<Detection> all = new ArrayList<>(detectors.size());
    for (Detector d : detectors) {
      deadline.check();
      all.add(d.detectTokens(ids, off, len));
    }
    return combine(all);
  }

  /** A key set's detection and, when it was kept, the trace of the reported key's pass. */
  public record Traced(KeySetDetection result, Optional<ScoreTrace> bestTrace) {}

  /**
   * {@link #detectForms(List, Deadline)}, keeping the trace of each key's pass when the text has
   * one distinct form (the usual case), so that the spread check splits the reported key's trace
   * ({@link SpreadCheck#check(ScoreTrace, int[], int, boolean)}) instead of scoring the text again.
   * The first key's trace is {@code into}. With several forms no trace is kept.
   */
  public Traced detectFormsTraced(List<FormTokens> forms, Deadline deadline, ScoreTrace into) {
    if (forms.size() != 1) {
      return new Traced(detectForms(forms, deadline), Optional.empty());
    }
    FormTokens f = forms.get(0);
    int[] ids = f.ids();
    return traced(
        ids, 0, ids.length, deadline, into, d -> d.withNormalForm(f.form(), 1, policy.alpha()));
  }

  /** {@link #detectTokens(int[], int, int, Deadline)}, keeping each key's trace. */
  public Traced detectTokensTraced(
      int[] ids, int off, int len, Deadline deadline, ScoreTrace into) {
    return traced(ids, off, len, deadline, into, d -> d);
  }

  private Traced traced(
      int[] ids,
      int off,
      int len,
      Deadline deadline,
      ScoreTrace into,
      java.util.function.UnaryOperator<Detection> finish) {
    List<Detection> all = new ArrayList<>(detectors.size());
    ScoreTrace[] traces = new ScoreTrace[detectors.size()];
    for (int k = 0; k < traces.length; k++) {
      deadline.check();
      traces[k] = k == 0 ? into : new ScoreTrace(len);
      all.add(finish.apply(detectors.get(k).detectTokens(ids, off, len, traces[k])));
    }
    return new Traced(combine(all), Optional.of(traces[best(all)]));
  }

  /** The reported key: the smallest decisive p-value, the first in key order on a tie. */
  private static int best(List<Detection> all) {
    int best = 0;
    for (int i = 1; i < all.size(); i++) {
      if (all.get(i).decisive().log10PValue() < all.get(best).decisive().log10PValue()) {
        best = i;
      }
    }
    return best;
  }

  private KeySetDetection combine(List<Detection> all) {
    TailProbability[] raw = all.stream().map(Detection::decisive).toArray(TailProbability[]::new);
    TailProbability[] adjusted = Combine.holm(raw);
    int best = best(all);
    return new KeySetDetection(
        List.copyOf(all), Arrays.asList(adjusted), all.get(best), adjusted[best], policy.alpha());
  }
}

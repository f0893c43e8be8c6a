package dev.telltale.detect;

import dev.telltale.text.Deadline;
import dev.telltale.text.NormalForm;
import dev.telltale.text.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A text's token ids in one normal form. {@link #encode} gives the distinct token sequences of a
 * family of forms, each named by the first form (in family order) that gave it: their number is the
 * Bonferroni factor of a detection that tests them all. Counting distinct sequences rather than
 * forms is valid because the set is a function of the text alone: given the text, each form's
 * p-value is exact under the null, so Bonferroni over the set the text yields holds conditionally,
 * hence also unconditionally. Unattacked plain text costs no correction at all.
 *
 * @param form the first form of the family that gave these ids
 * @param ids the token ids
 */
public record FormTokens(NormalForm form, int[] ids) {
  /** The forms detection tries by default: the text as given, hardened, hardened keeping lines. */
  public static final List<NormalForm> DEFAULT_FAMILY =
      List.of(NormalForm.BASIC, NormalForm.HARDENED, NormalForm.HARDENED_LINES);

  /** The default family, with the lower-cased form added when {@code caseFolded}. */
  public static List<NormalForm> family(boolean caseFolded) {
    if (!caseFolded) {
      return DEFAULT_FAMILY;
    }
    List<NormalForm> f = new ArrayList<>(DEFAULT_FAMILY);
    f.add(NormalForm.CASE_FOLDED);
    return List.copyOf(f);
  }

  /** The distinct token sequences of {@code text} in the {@code family}'s forms, in its order. */
  public static List<FormTokens> encode(Tokenizer tokenizer, String text, List<NormalForm> family) {
    return encode(tokenizer, text, family, Deadline.NONE);
  }

  /**
   * {@link #encode(Tokenizer, String, List)}, checking {@code deadline} while tokenising.
   *
   * @throws dev.telltale.text.DeadlineExceededException once the deadline has passed
   */
  public static List<FormTokens> encode(
      Tokenizer tokenizer, String text, List<NormalForm> family, Deadline deadline) {
    if (family.isEmpty()) {
      throw new IllegalArgumentException("no normal form to test");
    }
    Map<String, NormalForm> byString = new LinkedHashMap<>();
    for (NormalForm f : family) {
      byString.putIfAbsent(f.apply(text), f);
    }
    List<FormTokens> out = new ArrayList<>(byString.size());
    for (Map.Entry<String, NormalForm> e : byString.entrySet()) {
      int[] ids = tokenizer.encode(e.getKey(), deadline);
      boolean seen = false;
      for (FormTokens t : out) {
        seen |= Arrays.equals(t.ids, ids);
      }
      if (!seen) {
        out.add(new FormTokens(e.getValue(), ids));
      }
    }
    return List.copyOf(out);
  }

  /** The entry of {@code form} in {@code forms}. */
  public static FormTokens of(List<FormTokens> forms, NormalForm form) {
    for (FormTokens t : forms) {
      if (t.form == form) {
        return t;
      }
    }
    throw new IllegalArgumentException("no tokens for normal form " + form.label());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FormTokens t && form == t.form && Arrays.equals(ids, t.ids);
  }

  @Override
  public int hashCode() {
    return form.hashCode() * 31 + Arrays.hashCode(ids);
  }

  @Override
  public String toString() {
    return "FormTokens[" + form.label() + ", " + ids.length + " ids]";
  }
}

package dev.telltale.detect;

import dev.telltale.text.Deadline;
import dev.telltale.text.DetectionNormalizer;
import dev.telltale.text.FormSpans;
import dev.telltale.text.NormalForm;
import dev.telltale.text.TextNormalizer;
import dev.telltale.text.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

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
 * @param shared the ids copied from another entry's, which scoring need not fingerprint again
 */
public record FormTokens(NormalForm form, int[] ids, Shared shared) {
  /**
   * Runs of {@code ids} equal to runs of {@code source} (another entry's ids, the very array):
   * triples (start in these ids, start in {@code source}, length). {@link #NONE} when unknown.
   */
  public record Shared(int[] source, int[] runs) {
    public static final Shared NONE = new Shared(new int[0], new int[0]);
  }

  public FormTokens {
    java.util.Objects.requireNonNull(shared, "shared");
  }

  /** Ids that share nothing known with another entry's. */
  public FormTokens(NormalForm form, int[] ids) {
    this(form, ids, Shared.NONE);
  }

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
   * <p>Where the tokenizer knows cuts that keep its ids ({@link Tokenizer#isSafeCut}), the first
   * distinct form is tokenised in pieces and every other form reuses the ids of the pieces it
   * shares with it ({@link FormSpans}): the ids are those a full {@code tokenizer.encode} of each
   * form gives.
   *
   * @throws dev.telltale.text.DeadlineExceededException once the deadline has passed
   */
  public static List<FormTokens> encode(
      Tokenizer tokenizer, String text, List<NormalForm> family, Deadline deadline) {
    if (family.isEmpty()) {
      throw new IllegalArgumentException("no normal form to test");
    }
    String basic = TextNormalizer.normalize(text);
    String[] hardened = null;
    List<String> strings = new ArrayList<>(family.size());
    List<NormalForm> forms = new ArrayList<>(family.size());
    for (NormalForm f : family) {
      String s;
      if (f == NormalForm.BASIC) {
        s = basic;
      } else {
        if (hardened == null) {
          hardened = DetectionNormalizer.hardenedForms(basic);
        }
        s =
            switch (f) {
              case HARDENED -> hardened[0];
              case HARDENED_LINES -> hardened[1];
              case CASE_FOLDED -> hardened[0].toLowerCase(Locale.ROOT);
              default -> f.apply(text);
            };
      }
      if (!contains(strings, s)) {
        strings.add(s);
        forms.add(f);
      }
    }
    List<FormSpans.Encoded> ids = FormSpans.encodeSharing(tokenizer, strings, deadline);
    List<FormTokens> out = new ArrayList<>(strings.size());
    for (int k = 0; k < strings.size(); k++) {
      int[] own = ids.get(k).ids();
      boolean seen = false;
      for (FormTokens t : out) {
        seen |= Arrays.equals(t.ids, own);
      }
      if (!seen) {
        Shared shared = k == 0 ? Shared.NONE : new Shared(ids.get(0).ids(), ids.get(k).runs());
        out.add(new FormTokens(forms.get(k), own, shared));
      }
    }
    return List.copyOf(out);
  }

  private static boolean contains(List<String> strings, String s) {
    for (String t : strings) {
      if (t == s || t.equals(s)) {
        return true;
      }
    }
    return false;
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

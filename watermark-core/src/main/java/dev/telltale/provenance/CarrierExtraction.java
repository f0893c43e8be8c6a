package dev.telltale.provenance;

import java.util.Arrays;

/** What {@link TextCarrier#extract} found in a text: no carrier, one, several, or a broken one. */
public sealed interface CarrierExtraction {
  /** The text has no carrier. */
  record None() implements CarrierExtraction {}

  /**
   * Exactly one intact carrier.
   *
   * @param token the carried token bytes
   * @param start index (UTF-16) of the carrier's first char in the text
   * @param end index just past its last char
   */
  record Found(byte[] token, int start, int end) implements CarrierExtraction {
    public Found {
      token = token.clone();
    }

    @Override
    public byte[] token() {
      return token.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Found f
          && Arrays.equals(token, f.token)
          && start == f.start
          && end == f.end;
    }

    @Override
    public int hashCode() {
      return 31 * (31 * Arrays.hashCode(token) + start) + end;
    }

    @Override
    public String toString() {
      return "Found[" + token.length + " bytes at " + start + ".." + end + "]";
    }
  }

  /** More than one carrier (intact or not): which token applies is ambiguous. */
  record Several(int count) implements CarrierExtraction {}

  /** One carrier whose header or length does not check out. */
  record Corrupted(String problem) implements CarrierExtraction {}
}

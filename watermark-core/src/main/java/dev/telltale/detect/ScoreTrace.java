package dev.telltale.detect;

import java.util.Arrays;

/**
 * Per-tuple record of one scoring pass: the token position of every scored tuple and its score (1
 * or 0 for green-list keys, {@code -ln(1 - r)} for Gumbel). Feeds best-window search and reports.
 */
public final class ScoreTrace {
  private int[] positions;
  private double[] values;
  private int size;

  public ScoreTrace() {
    this(256);
  }

  /** A trace with room for {@code expected} tuples (a pass over n tokens scores at most n). */
  public ScoreTrace(int expected) {
    positions = new int[Math.max(16, expected)];
    values = new double[Math.max(16, expected)];
  }

  void add(int position, double value) {
    if (size == positions.length) {
      positions = Arrays.copyOf(positions, size * 2);
      values = Arrays.copyOf(values, size * 2);
    }
    positions[size] = position;
    values[size] = value;
    size++;
  }

  public int size() {
    return size;
  }

  /** Token position (index into the scored token array) of the i-th scored tuple. */
  public int position(int i) {
    return positions[i];
  }

  public double value(int i) {
    return values[i];
  }

  public void clear() {
    size = 0;
  }
}

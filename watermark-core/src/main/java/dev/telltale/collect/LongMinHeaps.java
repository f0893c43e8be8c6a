package dev.telltale.collect;

/**
 * A binary min-heap of {@code long}s held in the caller's array, for merge loops that must not
 * allocate per step: keys such as {@code rank << 32 | position} pop lowest rank first, leftmost
 * first among equal ranks.
 */
public final class LongMinHeaps {
  private LongMinHeaps() {}

  /** Adds {@code value} to {@code heap[0, size)}; returns the new size. */
  public static int push(long[] heap, int size, long value) {
    int i = size;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent] <= value) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = value;
    return size + 1;
  }

  /** Removes the least value, {@code heap[0]} (read it first); returns the new size. */
  public static int pop(long[] heap, int size) {
    int last = size - 1;
    long value = heap[last];
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= last) {
        break;
      }
      if (child + 1 < last && heap[child + 1] < heap[child]) {
        child++;
      }
      if (heap[child] >= value) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = value;
    return last;
  }
}

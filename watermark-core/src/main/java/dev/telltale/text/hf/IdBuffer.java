package dev.telltale.text.hf;

import java.util.Arrays;

/** A growable array of token ids. */
final class IdBuffer {
  private int[] ids;
  private int size;

  IdBuffer(int capacity) {
    ids = new int[Math.max(8, capacity)];
  }

  void add(int id) {
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
    }
    ids[size++] = id;
  }

  void add(int[] more) {
    if (size + more.length > ids.length) {
      ids = Arrays.copyOf(ids, Math.max(size * 2, size + more.length));
    }
    System.arraycopy(more, 0, ids, size, more.length);
    size += more.length;
  }

  int[] toArray() {
    return Arrays.copyOf(ids, size);
  }
}

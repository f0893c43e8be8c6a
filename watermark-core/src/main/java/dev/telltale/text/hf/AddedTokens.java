package dev.telltale.text.hf;

import java.util.HashMap;
import java.util.Map;

/**
 * The added tokens matched in raw text before normalization (leftmost, then longest, as Hugging
 * Face's Aho-Corasick matcher does), as a character trie.
 */
final class AddedTokens {
  private static final class Node {
    final Map<Character, Node> children = new HashMap<>(4);
    int id = -1;
  }

  private final Node root = new Node();
  private final java.util.BitSet firstChars = new java.util.BitSet(65536);
  private int count;

  void add(String content, int id) {
    if (content.isEmpty()) {
      return;
    }
    Node node = root;
    for (int i = 0; i < content.length(); i++) {
      node = node.children.computeIfAbsent(content.charAt(i), c -> new Node());
    }
    node.id = id;
    firstChars.set(content.charAt(0));
    count++;
  }

  boolean isEmpty() {
    return count == 0;
  }

  /**
   * The end of the longest token starting at {@code start} packed with its id as {@code (end << 32)
   * | id}, or -1 if none starts there.
   */
  long longestAt(String text, int start) {
    if (!firstChars.get(text.charAt(start))) {
      return -1;
    }
    Node node = root;
    long best = -1;
    for (int i = start; i < text.length(); i++) {
      node = node.children.get(text.charAt(i));
      if (node == null) {
        break;
      }
      if (node.id >= 0) {
        best = ((long) (i + 1) << 32) | node.id;
      }
    }
    return best;
  }
}

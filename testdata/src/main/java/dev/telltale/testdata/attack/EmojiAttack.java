package dev.telltale.testdata.attack;

import dev.telltale.embed.Watermarker;
import dev.telltale.testdata.Generation;
import dev.telltale.testdata.SamplingParams;
import dev.telltale.testdata.TeacherGenerator;

/**
 * The emoji attack: the rival asks the model to put a marker after every word, so each real token's
 * watermark context contains a marker, then deletes the markers. Simulated by generating with the
 * teacher forced to emit the marker's tokens after every word-initial token.
 */
public final class EmojiAttack {
  /** The default marker. */
  public static final String MARKER = " \uD83D\uDE00";

  private final TeacherGenerator teacher;
  private final String marker;
  private final int[] markerIds;

  public EmojiAttack(TeacherGenerator teacher, String marker) {
    this.teacher = teacher;
    this.marker = marker;
    this.markerIds = teacher.tokenizer().encode(marker);
    if (markerIds.length == 0) {
      throw new IllegalArgumentException("empty marker");
    }
  }

  public String name() {
    return "emoji";
  }

  public int[] markerIds() {
    return markerIds.clone();
  }

  /**
   * A generation with markers after every word, and its text with the markers removed. A
   * robust-context watermarker keeps the markers out of its contexts.
   */
  public String generate(
      int[] prompt, int tokens, SamplingParams params, long seed, Watermarker watermarker) {
    Generation g = teacher.generateWithMarker(prompt, tokens, params, seed, watermarker, markerIds);
    return g.text().replace(marker, "");
  }
}
